"""Throughput of the scoped store on SQLite vs PostgreSQL: the same store calls, two engines.

Run: .venv/bin/python bench/store_backends.py [--ops 5000] [--tx 100] [--pg postgresql://...]

Per engine, on a fresh database (a temporary SQLite file; a fresh schema in the --pg database):
  1. scoped inserts      --ops audit rows through the scoped table access (store/_tables.py), --tx per transaction
  2. scoped upserts      --ops user-stats upserts over 500 members, --tx per transaction
  3. point reads         --ops scoped gets of one member's stats, no transaction
  4. concurrent upserts  the upserts of 2, split over 4 tasks with their own transactions
PostgreSQL is skipped with the reason printed when no server answers (default: LOYALTEEZ_TEST_PG or the
local test server). Loopback only; bounded; leaves nothing behind.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from bench._args import positive
from bench._postgres import DEFAULT_PG, postgres_schema
from loyalteez.clock import ManualClock
from loyalteez.ids import new_id
from loyalteez.store import Scope, Store
from loyalteez.store.postgres_db import run_atomic
from tests.store.raw import tables

SCOPE = Scope("bench_brand", "900000000000000001")
MEMBERS = 500


@asynccontextmanager
async def sqlite_target() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield str(Path(tmp) / "bench.db")


async def timed(work: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def run_engine(target: str, ops: int, tx: int) -> list[tuple[str, int, float]]:
    store = await Store.open(target, ManualClock())
    try:
        await store.insert_brand({"brand_id": SCOPE.brand_id, "name": "Bench", "key_salt": "00", "key_hash": "x"})
        data = store.scoped(SCOPE)
        await data.server.link("Bench server")

        async def inserts() -> None:
            for start in range(0, ops, tx):
                async with store.transaction():
                    for n in range(start, min(start + tx, ops)):
                        await tables(data).insert(
                            "discord_audit_log",
                            {"id": new_id(), "actor_type": "bot", "action": "bench", "details": {"n": n}},
                        )

        async def upserts(offset: int = 0, count: int = ops) -> None:
            for start in range(0, count, tx):

                async def batch(start: int = start) -> None:
                    for n in range(start, min(start + tx, count)):
                        member = str(10**17 + (offset + n) % MEMBERS)
                        await tables(data).upsert(
                            "discord_user_stats",
                            {"discord_user_id": member, "messages_count": n, "ltz_earned": n * 2},
                            key=("server_id", "discord_user_id"),
                            update=("messages_count", "ltz_earned", "updated_at"),
                        )

                # Tasks overlap on members, so PostgreSQL may pick a deadlock victim: atomic re-runs it.
                await run_atomic(store.db, batch)

        async def reads() -> None:
            for n in range(ops):
                row = await tables(data).get("discord_user_stats", {"discord_user_id": str(10**17 + n % MEMBERS)})
                assert row is not None

        async def concurrent() -> None:
            share = ops // 4
            await asyncio.gather(*(upserts(offset=i * share, count=share) for i in range(4)))

        return [
            (f"scoped inserts, {tx}/tx", ops, await timed(inserts)),
            (f"scoped upserts, {tx}/tx", ops, await timed(upserts)),
            ("point reads (get)", ops, await timed(reads)),
            (f"upserts, 4 tasks, {tx}/tx", ops // 4 * 4, await timed(concurrent)),
        ]
    finally:
        await store.close()


async def main_async(ops: int, tx: int, pg: str) -> list[tuple[str, str, int, float]]:
    results = []
    async with sqlite_target() as path:
        results += [("SQLite", *row) for row in await run_engine(path, ops, tx)]
    try:
        probe = await asyncio.wait_for(asyncpg.connect(pg), 5)
        await probe.close()
    except Exception as exc:
        print(f"PostgreSQL skipped: no server answers at {pg} ({type(exc).__name__}: {exc})")
        return results
    async with postgres_schema(pg) as url:
        results += [("PostgreSQL", *row) for row in await run_engine(url, ops, tx)]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=positive(int), default=5000, help="operations per measurement (default 5000)")
    parser.add_argument("--tx", type=positive(int), default=100, help="statements per transaction (default 100)")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL server to use (a fresh schema is made)")
    args = parser.parse_args()
    rows = asyncio.run(main_async(args.ops, args.tx, args.pg))
    print(f"{'engine':<11} {'what':<28} {'count':>7} {'seconds':>8} {'per second':>11}")
    for engine, what, count, seconds in rows:
        print(f"{engine:<11} {what:<28} {count:>7} {seconds:>8.2f} {count / seconds:>11,.0f}")


if __name__ == "__main__":
    main()
