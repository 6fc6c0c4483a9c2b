"""How long the 00:00 job takes to write one server's daily KPI snapshot, by server size (SQLite).

Run: .venv/bin/python bench/kpi_snapshot.py [--members 10000 30000 100000] [--days 90]

For each size: a fresh database holding one server with N members and `days` days of rollups written with
executemany (each member active on 5-90 % of days, earning on most active days, some voice, a third checking
in daily with streaks; member rows and lifetime stats to match), the snapshots of the 6 days before
already written (the steady state: the job runs every night), and a partial "today". Then the timed part:
the scheduler's catch-up for that server, which computes every metric of yesterday from the rollups and
writes its snapshot. Target: under 2 s at 100,000 members, growing linearly with members. Exit 1 if missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._args import positive
from loyalteez.clock import ManualClock, start_of_day
from loyalteez.services.analytics import snapshots
from loyalteez.store import Scope, Store
from loyalteez.store.repos import analytics as rollup_store
from loyalteez.store.repos import analytics_kpis as kpi_tables

SCOPE = Scope("bench_brand", "900000000000000001")
TODAY = date(2026, 6, 4)  # a Thursday: yesterday's snapshot is a daily one only
TARGET_SECONDS = 2.0


def fill(path: Path, members: int, days: int, seed: int = 11) -> int:
    """Rollups and member rows for `days` days before TODAY (plus a partial today); returns the row count."""
    rng = random.Random(seed)
    first = TODAY - timedelta(days=days)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    totals: dict[str, list[Any]] = {}
    rows = 0
    habits = [(rng.choice((0.05, 0.2, 0.4, 0.7, 0.9)), rng.random() < 0.3, rng.random() < 0.15) for _ in range(members)]
    ids = [str(100_000_000_000_000_000 + i) for i in range(members)]
    streaks = [0] * members
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        share = 0.1 if day == TODAY else 1.0  # today has just started
        batch = []
        for i, (p, checks_in, talks) in enumerate(habits):
            if rng.random() >= p * share:
                streaks[i] = 0 if checks_in else streaks[i]
                continue
            earns = rng.random() < 0.75
            checkin = 1 if checks_in and earns else 0
            streaks[i] = streaks[i] + 1 if checkin else 0
            voice = rng.choice((15, 40, 90)) if talks and rng.random() < 0.5 else 0
            ltz = (25 + 20 * checkin) if earns else 0
            n = (1 + checkin) if earns else 0
            batch.append(
                (
                    "bench_brand",
                    SCOPE.server_id,
                    day.isoformat(),
                    ids[i],
                    rng.randint(1, 20),
                    rng.randint(0, 5),
                    voice,
                    1 if voice else 0,
                    checkin,
                    n,
                    ltz,
                    streaks[i] if checkin else 0,
                )
            )
            t = totals.setdefault(ids[i], [day, None, day, 0, 0])
            if n and t[1] is None:
                t[1] = day
            t[2], t[3], t[4] = day, t[3] + ltz, t[4] + n
        db.executemany(
            f"INSERT INTO {kpi_tables.DAILY} (brand_id, server_id, day, discord_user_id, messages, "
            "reactions, voice_minutes, voice_sessions, checkins, rewards, ltz_earned, streak) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        rows += len(batch)

    def moment(day: date | None) -> str | None:
        return None if day is None else (start_of_day(day) + timedelta(hours=9)).isoformat(timespec="microseconds")

    db.executemany(
        f"INSERT INTO {kpi_tables.MEMBERS} (brand_id, server_id, discord_user_id, first_seen_at, "
        "entered_at, first_reward_at, last_active_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ("bench_brand", SCOPE.server_id, member, moment(t[0]), moment(t[0]), moment(t[1]), t[2].isoformat())
            for member, t in totals.items()
        ],
    )
    db.executemany(
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, ltz_earned) VALUES (?, ?, ?, ?)",
        [("bench_brand", SCOPE.server_id, member, t[3]) for member, t in totals.items()],
    )
    db.execute("COMMIT")
    db.close()
    return rows


async def run(members: int, days: int, root: Path) -> dict[str, float]:
    path = root / f"kpi-{members}.db"
    clock = ManualClock(start_of_day(TODAY) + timedelta(minutes=1))
    store = await Store.open(str(path), clock)
    await store.insert_brand({"brand_id": SCOPE.brand_id, "name": "Bench", "key_salt": "00", "key_hash": "x"})
    data = store.scoped(SCOPE)
    await data.server.link("Bench server")
    await store.close()
    started = time.perf_counter()
    rows = fill(path, members, days)
    filled = time.perf_counter() - started
    store = await Store.open(str(path), clock)
    data = store.scoped(SCOPE)
    # The steady state: the nights before wrote their snapshots (a week of them is what a snapshot reads).
    week_ago = TODAY - timedelta(days=7)
    await snapshots.catch_up(data, TODAY - timedelta(days=1), week_ago, 24)
    timings: defaultdict[str, float] = defaultdict(float)
    repository = rollup_store.AnalyticsRepository
    originals = {name: getattr(repository, name) for name in ("window", "lifetime", "streaks", "cohort")}
    for name in ("window", "lifetime", "streaks", "cohort"):
        original = getattr(repository, name)

        def timed(self: Any, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            async def call() -> Any:
                t = time.perf_counter()
                try:
                    return await _original(self, *args, **kwargs)
                finally:
                    timings[f"analytics_{_name}"] += time.perf_counter() - t

            return call()

        setattr(repository, name, timed)
    started = time.perf_counter()
    written = await snapshots.catch_up(data, TODAY, week_ago, 24)
    elapsed = time.perf_counter() - started
    for name, original in originals.items():  # restore the class for the next size
        setattr(repository, name, original)
    assert [(w.day, w.kind) for w in written] == [(TODAY - timedelta(days=1), "daily")], written
    metrics = written[0].metrics
    await store.close()
    return {
        "members": members,
        "rows": rows,
        "fill": filled,
        "snapshot": elapsed,
        "dau": metrics["daily_active_users"],
        "wau": metrics["weekly_active_users"],
        **{k: v for k, v in timings.items()},
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=positive(int), nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--days", type=positive(int), default=90)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="ltz-kpi-bench-") as tmp:
        for members in args.members:
            results.append(await run(members, args.days, Path(tmp)))
    print(
        f"daily KPI snapshot on SQLite {sqlite3.sqlite_version}: one server, {args.days} days of rollups, "
        f"16 metrics, written for {TODAY - timedelta(days=1)} (steady state: the week before already snapshotted)"
    )
    print(
        f"{'members':>9}{'rollup rows':>13}{'DAU':>8}{'WAU':>8}{'snapshot s':>12}{'ms/1k members':>15}"
        f"{'window':>8}{'lifetime':>9}{'streaks':>8}{'cohort':>8}"
    )
    for r in results:
        print(
            f"{r['members']:>9,}{r['rows']:>13,}{r['dau']:>8,}{r['wau']:>8,}{r['snapshot']:>12.3f}"
            f"{r['snapshot'] * 1e6 / r['members']:>15.2f}{r.get('analytics_window', 0):>8.2f}"
            f"{r.get('analytics_lifetime', 0):>9.2f}{r.get('analytics_streaks', 0):>8.2f}"
            f"{r.get('analytics_cohort', 0):>8.2f}"
        )
    biggest = max(results, key=lambda r: r["members"])
    ok = biggest["members"] < 100_000 or biggest["snapshot"] < TARGET_SECONDS
    if len(results) > 1:
        small = min(results, key=lambda r: r["members"])
        growth = (biggest["snapshot"] / small["snapshot"]) / (biggest["members"] / small["members"])
        print(f"time per member, largest vs smallest: {growth:.2f}x (1.0 = linear)")
    print(f"target (< {TARGET_SECONDS:.0f} s at 100,000 members):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
