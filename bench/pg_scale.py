"""Big tables on PostgreSQL: p95 of the reads that grow with history (leaderboards, rank, snapshot, ...).

Run: .venv/bin/python -m bench pg_scale [--quick] [--runs 15] [--save FILE] [--before FILE] [--pg URL]

Fills a dedicated database (loyalteez_pg_scale: 10 servers x 100,000 members, 10M ledger rows, 1M audit
rows; --quick: loyalteez_pg_scale_quick, a tenth of that) once, server-side, and reuses it on later runs
(the full fill takes a while: ~6 GB). Opening the store applies any newer migration first. Then each read
runs --runs times through the same service calls the bot makes, rotating over the servers, and the table
shows its p95 against the goal: 200 ms, the daily KPI snapshot 5 s per server, an export streamed in flat
memory (RSS growth while writing a whole server's ledger as CSV). --save writes the p95s as JSON and
--before FILE prints such a run beside this one (before/after a change).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from bench._args import positive
from bench._pg_scale_fill import FULL, NOW, QUICK, Size, ensure_database, fill, filled_size, member_id, scopes
from loyalteez.clock import ManualClock
from loyalteez.services.admin_reads import audit_rows
from loyalteez.services.analytics import segments
from loyalteez.services.analytics.input import SEGMENTS
from loyalteez.services.analytics.metrics import day_metrics
from loyalteez.services.config_io.tables import write_export
from loyalteez.services.standings.service import PERIODS, balance, leaderboard
from loyalteez.store import ScopedData, Store
from loyalteez.store.repos.standings import BOARD_KINDS

DEFAULT_PG = os.environ.get("LOYALTEEZ_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
GOAL_MS = 200.0
SNAPSHOT_GOAL_MS = 5000.0
BUDGET_S = 20.0  # per read: stop repeating a slow read after this long (at least 3 runs)

Read = Callable[[ScopedData, int], Awaitable[Any]]


def database_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class RssSink:
    """Where an export is written: counts bytes, drops them, and samples the process RSS as it grows."""

    def __init__(self) -> None:
        self.bytes = 0
        self.writes = 0
        self.peak = rss_kib()

    def write(self, data: bytes) -> int:
        self.bytes += len(data)
        self.writes += 1
        if self.writes % 2000 == 0:
            self.peak = max(self.peak, rss_kib())
        return len(data)


def reads(size: Size) -> dict[str, tuple[float, Read]]:
    """name -> (goal in ms, the read); the caller of member reads is a mid-ranked member."""
    caller = member_id(size.members // 3)
    found: dict[str, tuple[float, Read]] = {}
    for kind in BOARD_KINDS:
        for period in PERIODS:

            async def board(data: ScopedData, run: int, kind: str = kind, period: str = period) -> Any:
                return await leaderboard(data, kind, period, 1 + run % 3, caller, NOW)

            found[f"leaderboard {kind} {period}"] = (GOAL_MS, board)

    async def bal(data: ScopedData, run: int) -> Any:
        return await balance(data, member_id((size.members // 7) * (run % 7)), NOW)

    found["/balance (with rank)"] = (GOAL_MS, bal)

    async def snapshot(data: ScopedData, run: int) -> Any:
        return await day_metrics(data, (NOW - timedelta(days=1 + run % 3)).date(), 1.0)

    found["daily KPI snapshot"] = (SNAPSHOT_GOAL_MS, snapshot)
    for segment in SEGMENTS:

        async def seg(data: ScopedData, run: int, segment: str = segment) -> Any:
            return await segments.page(data, segment, 1 + run % 2, NOW)

        found[f"segment {segment}"] = (GOAL_MS, seg)

    async def audit(data: ScopedData, run: int) -> Any:
        return await audit_rows(data)

    async def audit_member(data: ScopedData, run: int) -> Any:
        return await audit_rows(data, member_id=member_id(run * 97 % size.members))

    async def audit_rewards(data: ScopedData, run: int) -> Any:
        return await audit_rows(data, kind="rewards")

    found["audit page"] = (GOAL_MS, audit)
    found["audit page of a member"] = (GOAL_MS, audit_member)
    found["audit page, rewards only"] = (GOAL_MS, audit_rewards)
    return found


async def measure(store: Store, size: Size, read: Read, runs: int) -> float:
    """p95 in ms of `runs` calls (fewer past the time budget), rotating over the servers."""
    all_scopes = scopes(size)
    samples: list[float] = []
    began = time.perf_counter()
    for run in range(runs):
        data = store.scoped(all_scopes[run % len(all_scopes)])
        started = time.perf_counter()
        await read(data, run)
        samples.append((time.perf_counter() - started) * 1000)
        if run >= 2 and time.perf_counter() - began > BUDGET_S:
            break
    samples.sort()
    return samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]


async def export_run(store: Store, size: Size) -> tuple[float, float, int]:
    """One server's whole ledger exported as CSV: seconds, RSS growth in MiB, bytes written."""
    data = store.scoped(scopes(size)[0])
    sink = RssSink()
    before = rss_kib()
    started = time.perf_counter()
    await write_export(data, "rewards", "csv", NOW, sink)  # type: ignore[arg-type]
    return time.perf_counter() - started, max(0, sink.peak - before) / 1024, sink.bytes


async def main(args: argparse.Namespace) -> int:
    size = QUICK if args.quick else FULL
    name = "loyalteez_pg_scale_quick" if args.quick else "loyalteez_pg_scale"
    try:
        await ensure_database(args.pg, name)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL not reachable at {args.pg}: {exc}")
        return 2
    url = database_url(args.pg, name)
    if await filled_size(url) != size.label:
        print(f"Filling {name} ({size.label}) ...", flush=True)
        started = time.perf_counter()
        await fill(url, size, lambda line: print(line, flush=True))
        print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print(f"Reusing {name} ({size.label})")
    store = await Store.open(url, ManualClock(NOW))
    load_at_start = os.getloadavg()[0]  # shared machines: other work inflates every p95
    results: dict[str, float] = {}
    goals: dict[str, float] = {}
    try:
        for label, (goal, read) in reads(size).items():
            if args.only and args.only not in label:
                continue
            results[label] = await measure(store, size, read, args.runs)
            goals[label] = goal
            print(f"  {label:<34} p95 {results[label]:>9.1f} ms", flush=True)
        seconds, grown, written = await export_run(store, size)
    finally:
        await store.close()
    before: dict[str, Any] = json.loads(Path(args.before).read_text()) if args.before else {}
    print()
    print(f"PostgreSQL, {size.label} per server; p95 over up to {args.runs} runs")
    print(
        f"machine load (1-minute average) at start/end: {load_at_start:.1f}/{os.getloadavg()[0]:.1f}, "
        f"{os.cpu_count()} cores"
    )
    print(f"{'read':<34} {'goal':>9} {'before':>10} {'p95 ms':>10} {'ratio':>7}  ok")
    for label, value in results.items():
        old = before.get("p95", {}).get(label)
        ratio = f"{old / value:>6.1f}x" if old and value else f"{'':>7}"
        old_text = f"{old:>10.1f}" if old else f"{'':>10}"
        ok = "yes" if value < goals[label] else "NO"
        print(f"{label:<34} {goals[label]:>9.0f} {old_text} {value:>10.1f} {ratio}  {ok}")
    old_export = before.get("export")
    old_text = f"(before: {old_export['seconds']:.1f} s, RSS +{old_export['rss_mib']:.0f} MiB) " if old_export else ""
    print(
        f"export rewards CSV, one server: {written / 1e6:.0f} MB in {seconds:.1f} s, RSS +{grown:.0f} MiB {old_text}"
        "(goal: streamed, flat memory)"
    )
    missed = [label for label, value in results.items() if value >= goals[label]]
    print(f"{len(results) - len(missed)} of {len(results)} reads within their goal")
    if args.save:
        Path(args.save).write_text(
            json.dumps({"size": size.label, "p95": results, "export": {"seconds": seconds, "rss_mib": grown}}, indent=1)
        )
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench pg_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, in its own database")
    parser.add_argument("--runs", type=positive(int), default=15, help="calls per read (default 15)")
    parser.add_argument("--only", help="only the reads whose name contains this")
    parser.add_argument("--save", help="write the p95s to this JSON file")
    parser.add_argument("--before", help="a --save file of an earlier run, printed beside this one")
    parser.add_argument("--pg", default=DEFAULT_PG, help="a PostgreSQL URL of the server to use")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse(sys.argv[1:]))))
