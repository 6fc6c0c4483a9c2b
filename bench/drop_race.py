"""The drop race: N members click one drop's button in the same instant; exactly `cap` are paid.

Run: .venv/bin/python bench/drop_race.py [--clicks 200] [--cap 50] [--rounds 3] [--claims 2000] [--pg URL]

Per engine (a temporary SQLite file; a fresh schema in the --pg database, skipped with the reason printed
when no PostgreSQL answers):
  1. e2e race      the real bot behind the loopback Discord: one button drop capped at --cap, --clicks members
                   click it at once (asyncio.gather); timed from the first click to the last answer, with each
                   click's own latency (p50/p95/max). Checks: exactly --cap paid, the rest told it is full.
  2. service race  the same race without Discord: Drops.claim for --clicks members at once.
  3. service rate  --claims members claim an uncapped drop at once: claims paid per second.
Loopback only; bounded; leaves nothing behind.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._args import positive
from bench._postgres import DEFAULT_PG, postgres_schema
from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN, running_bot
from loyalteez.services.access import brands
from loyalteez.services.access.permissions import Caller
from loyalteez.services.drops import Drops
from loyalteez.services.rewards import Member, Rewards, install_default_rules
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.store import Scope, Store

Row = tuple[str, str, int, int, float, float, float, float]


def app_factory(database_url: str | None) -> Callable[..., Awaitable[Any]]:
    async def factory(emu: Emulator, db_path: Path, clock: ManualClock, bot_options: dict[str, Any]) -> Any:
        from loyalteez.app import build_app
        from loyalteez.settings import Settings

        settings = Settings(
            discord_token=TOKEN, db_path=str(db_path), database_url=database_url, discord_api_base=emu.api_base_url
        )
        return await build_app(settings, clock=clock, bot_options=bot_options)

    return factory


async def e2e_race(tmp: Path, database_url: str | None, clicks: int, cap: int) -> tuple[int, int, float, list[float]]:
    async with running_bot(tmp, app_factory=app_factory(database_url), clock=ManualClock()) as h:
        brand = await brands.create_brand(h.app.store, f"Bench {uuid.uuid4().hex[:6]}")
        admin = h.guild.member("boss", permissions=["manage_guild"])
        await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
        await admin.slash(
            "config events",
            {"action": "create", "name": "bench_drop", "reward": 10, "trigger": "drop", "max-total-claims": cap},
        )
        await admin.slash("drop create", event="bench_drop")
        await h.emu.settle()
        posted = h.emu.sent_messages(h.guild.channel("general"))[-1]
        crowd = [h.guild.member(f"fan{n}") for n in range(clicks)]
        await h.emu.settle()
        latencies: list[float] = []

        async def click(member: Any) -> str:
            began = time.perf_counter()
            reply = await member.click(posted, "Claim", reply_timeout=60)
            latencies.append(time.perf_counter() - began)
            return str(reply.content)

        started = time.perf_counter()
        answers = await asyncio.gather(*(click(m) for m in crowd))
        elapsed = time.perf_counter() - started
        await h.emu.settle(timeout=30)
    paid = sum("You claimed" in a for a in answers)
    full = sum("full" in a for a in answers)
    return paid, full, elapsed, latencies


async def service_race(target: str, clicks: int, cap: int | None) -> tuple[int, int, float, list[float]]:
    store = await Store.open(target, ManualClock())
    try:
        scope = Scope("bench_brand", "900000000000000001")
        await store.insert_brand({"brand_id": scope.brand_id, "name": "Bench", "key_salt": "00", "key_hash": "x"})
        data = store.scoped(scope)
        await data.server.link("Bench server")
        await install_default_rules(data, store.clock)
        await events.create_event(
            data, "1", "bench_drop", EventOptions(reward=10, trigger="drop", max_total_claims=cap or -1)
        )
        drops = Drops(store, store.clock, Rewards(store, store.clock))
        owner = Caller("1", scope.server_id, is_owner=True)
        plan = await drops.plan(scope, owner, event="bench_drop", channel_id="900000000000000002")
        await drops.create(scope, plan, actor_id="1", message_id="900000000000000003")
        latencies: list[float] = []

        async def claim(n: int) -> str:
            began = time.perf_counter()
            result = await drops.claim(scope, plan.drop_id, Member(str(910_000_000_000_000_000 + n)))
            latencies.append(time.perf_counter() - began)
            return result.status

        started = time.perf_counter()
        statuses = await asyncio.gather(*(claim(n) for n in range(clicks)))
        elapsed = time.perf_counter() - started
        await drops.rewards.close()
    finally:
        await store.close()
    return statuses.count("paid"), statuses.count("full"), elapsed, latencies


def row(engine: str, what: str, paid: int, full: int, elapsed: float, latencies: list[float]) -> Row:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (engine, what, paid, full, elapsed, statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000)


async def run(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    engines: list[tuple[str, str | None]] = [("sqlite", None)]
    try:
        async with postgres_schema(args.pg):
            engines.append(("postgres", args.pg))
    except Exception as exc:  # the benchmark still runs on SQLite; say why PostgreSQL was skipped
        print(f"postgres skipped: {type(exc).__name__}: {exc}")
    for engine, pg in engines:
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as tmp:
                if pg is None:
                    result = await e2e_race(Path(tmp), None, args.clicks, args.cap)
                else:
                    async with postgres_schema(pg) as url:
                        result = await e2e_race(Path(tmp), url, args.clicks, args.cap)
                assert result[0] == args.cap and result[1] == args.clicks - args.cap, result[:2]
                rows.append(row(engine, f"e2e race {args.clicks} clicks, cap {args.cap}", *result))
        for what, clicks, cap in (
            (f"service race {args.clicks}, cap {args.cap}", args.clicks, args.cap),
            (f"service rate {args.claims}, no cap", args.claims, None),
        ):
            with tempfile.TemporaryDirectory() as tmp:
                if pg is None:
                    result = await service_race(str(Path(tmp) / "bench.db"), clicks, cap)
                else:
                    async with postgres_schema(pg) as url:
                        result = await service_race(url, clicks, cap)
            assert result[0] == (cap or clicks), result[:2]
            rows.append(row(engine, what, *result))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=positive(int), default=200)
    parser.add_argument("--cap", type=positive(int), default=50)
    parser.add_argument("--rounds", type=positive(int), default=3)
    parser.add_argument("--claims", type=positive(int), default=2000)
    parser.add_argument("--pg", default=DEFAULT_PG)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("discord").setLevel(logging.CRITICAL)
    rows = asyncio.run(run(args))
    print(
        f"{'engine':<9} {'what':<30} {'paid':>5} {'full':>5} {'seconds':>8} {'answers/s':>10} {'claims/s':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
    )
    for engine, what, paid, full, seconds, p50, p95, worst in rows:
        answers = paid + full
        print(
            f"{engine:<9} {what:<30} {paid:>5} {full:>5} {seconds:>8.2f} {answers / seconds:>10.0f} "
            f"{paid / seconds:>9.0f} {p50:>7.0f} {p95:>7.0f} {worst:>7.0f}"
        )


if __name__ == "__main__":
    main()
