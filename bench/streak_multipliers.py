"""What the streak multiplier costs the engine's hot path: the same message batch without and with streaks.

Run: .venv/bin/python bench/streak_multipliers.py [--events 20000] [--members 2000] [--streaking 0.5]

The realistic messages of bench/rewards_engine.py, applied through the group-commit writer on a fresh SQLite
database, three ways: no streak source (every factor 1.0), StreakMultipliers with no streaks recorded, and
StreakMultipliers with --streaking of the members on live streaks of 1-40 days (factors 1.0-2.0). Prints
events/s (the fastest of --repeat runs) and how many snapshots the source read (one per server, however
many payouts). Target: the streaking run keeps >= 80 % of the baseline's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._args import fraction, positive
from bench._rewards_setup import SCOPE, prepared_store
from bench.rewards_engine import realistic_messages
from loyalteez.clock import ManualClock
from loyalteez.services.rewards import MessageEvent, Rewards
from loyalteez.services.streaks import StreakMultipliers

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def run(
    path: Path, events: list[MessageEvent], with_streaks: bool, streaking: float, seed: int = 11
) -> tuple[float, int, int]:
    """Seconds, payouts and snapshots read, for one run on a fresh database."""
    clock = ManualClock(START)
    store = await prepared_store(str(path), clock)
    source = StreakMultipliers(clock) if with_streaks else None
    if streaking:
        rng = random.Random(seed)
        data = store.scoped(SCOPE)
        for author in sorted({e.author_id for e in events}):
            if rng.random() < streaking:
                days, last = rng.randint(1, 40), START - timedelta(hours=3)
                await data.streaks.check_in(author, last.date(), days, days, last, f"bench:{author}", False)
    rewards = Rewards(store, streaks=source)
    started = time.perf_counter()
    futures = []
    for i, event in enumerate(events):
        futures.append(rewards.submit(SCOPE, event))
        if i % 200 == 199:
            await asyncio.sleep(0)
    await rewards.writer.flush()
    elapsed = time.perf_counter() - started
    paid = sum(len(f.result().paid) for f in futures)
    await rewards.close()
    await store.close()
    return elapsed, paid, source.loads if source else 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=positive(int), default=20_000)
    parser.add_argument("--members", type=positive(int), default=2_000)
    parser.add_argument("--streaking", type=fraction, default=0.5, help="share of members on a live streak")
    parser.add_argument("--repeat", type=positive(int), default=3, help="runs of each kind; the fastest counts")
    args = parser.parse_args()
    events = realistic_messages(args.events, args.members, START)
    rows: list[tuple[str, float, int, int]] = []
    with tempfile.TemporaryDirectory(prefix="ltz-bench-") as tmp:
        for name, with_streaks, share in (
            ("no streak source", False, 0.0),
            ("streaks, none recorded", True, 0.0),
            (f"streaks, {args.streaking:.0%} streaking", True, args.streaking),
        ):
            runs = [
                await run(Path(tmp) / f"{len(rows)}-{attempt}.db", events, with_streaks, share)
                for attempt in range(args.repeat)
            ]
            rows.append((name, *min(runs)))  # the fastest run (seconds come first)
    base = len(events) / rows[0][1]
    print(f"streak multipliers on the engine's hot path: {len(events):,} messages, {args.members:,} members")
    print(f"{'run':<28}{'seconds':>9}{'events/s':>11}{'payouts':>9}{'snapshots':>11}{'vs base':>9}")
    for name, seconds, paid, loads in rows:
        rate = len(events) / seconds
        print(f"{name:<28}{seconds:>9.3f}{rate:>11,.0f}{paid:>9,}{loads:>11}{rate / base:>8.0%}")
    ok = len(events) / rows[-1][1] >= 0.8 * base
    print("target (>= 80 % of the baseline):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
