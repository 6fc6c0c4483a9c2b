"""Throughput of the rewards engine against the cost of its writes alone, on SQLite and PostgreSQL.

Run: python -m bench rewards_engine [--events 20000] [--history 0,1000000] [--pg URL] [--profile]

The engine (the RewardWriter with its defaults: <= 2,500 events a batch, on SQLite 10,000 when it is behind as in
this burst, <= 100 ms; collector set as python bot.py sets it) applies N realistic messages (greetings, long
messages, keywords, chat, commands, bots, redeliveries) from many members with role bonuses, on a database
with the default events plus a keyword one, and with 0, 1M (and, with --history ...,10000000, 10M: slow)
earlier ledger rows of the same server, filed as the bot's filing job leaves them. Beside it, in the same run
and interleaved (--repeat rounds, medians): the raw SQLite ceiling (one ledger insert and one stats upsert per
event through executemany, one commit), the naive loop (the same statements, one aiosqlite commit per event),
and on PostgreSQL (--pg; "none" skips it) the engine on --pg-events against asyncpg COPY plus one aggregated
upsert per 2,500 events. Each engine run first applies --warmup other events (2,500, one batch), untimed: a
running bot has the pages it touches cached, and a database just opened reads them from disk, which on 10M rows
of history is a sizeable part of 20k events' time; --warmup 0 times them cold. A longer warm-up is no truer:
its payouts are on the timed events' day, so daily caps leave the timed events less to pay, which hides what
history costs per payout (back-to-back 20k windows on one day went from 82 % to 97 % of empty with 10M rows
of history; windows on fresh days, each paying 5,465, stayed at 80-86 %). --profile prints the engine's
top 10 functions and, per history size, the time the engine waited for each kind of statement.
--templates DIR keeps the configured databases with their history there and reuses them (10M rows take
a quarter of an hour to write and file); one built by other code or another schema is built again.
Goals: engine >= 25 % of the ceiling and >= 25x naive, within 10 % of that with history; PostgreSQL >= 0.5x
the anchor. Exit status 1 if one is missed or a ledger check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _rewards_anchors as anchors
from bench._args import counts, not_negative, positive
from bench._postgres import DEFAULT_PG, postgres_schema
from bench._results import publish
from bench._rewards_setup import (
    CHANNELS,
    ROLES,
    SCOPE,
    START,
    ensure_template,
    folder,
    member_ids,
    prepared_store,
)
from loyalteez import collector
from loyalteez.clock import ManualClock
from loyalteez.services.rewards import MessageEvent, Rewards, check_ledger
from loyalteez.store import Store

# fmt: off
GREETINGS = [
    "gm", "GM fam!", "good morning everyone", "gm frens ☀️", "Morning! coffee first", "rise and shine", "gn",
    "good night all", "nighty night", "sweet dreams fam",
]
CHAT = [
    "lol", "anyone around?", "that's wild", "gmail is down again", "ok", "nice one", "haha yes",
    "what time is the AMA?", "brb", "this is the way",
]
WORDS = [
    "community", "loyalty", "reward", "points", "weekly", "event", "members", "discord", "server", "quest", "drop",
    "streak", "season", "leaderboard", "feedback", "roadmap", "launch", "partner",
]
# fmt: on


def realistic_messages(
    n: int, members: int, start: datetime, seed: int = 7, first_id: int = 940_000_000_000_000_000
) -> list[MessageEvent]:
    rng = random.Random(seed)
    ids = member_ids(members)
    role_sets = [(), (ROLES["booster"],), (ROLES["vip"],), (ROLES["booster"], ROLES["supporter"])]
    roles_of = {m: rng.choice(role_sets) for m in ids}
    events: list[MessageEvent] = []
    for i in range(n):
        author = rng.choice(ids)
        roll = rng.random()
        if roll < 0.2:
            content = rng.choice(GREETINGS)
        elif roll < 0.4:
            content = " ".join(rng.choice(WORDS) for _ in range(rng.randint(22, 60))) + "."
        elif roll < 0.5:
            content = f"just told a friend about loyalteez, {rng.choice(WORDS)} {rng.choice(WORDS)}"
        elif roll < 0.53:
            content = "!balance"
        else:
            content = rng.choice(CHAT)
        is_bot = rng.random() < 0.02
        events.append(
            MessageEvent(
                message_id=str(first_id + i),
                channel_id=rng.choice(CHANNELS),
                author_id=author,
                author_roles=roles_of[author],
                content=content,
                is_bot=is_bot,
                is_webhook=False,
                is_system=False,
                created_at=start + timedelta(milliseconds=i),
            )
        )
        if rng.random() < 0.01 and events:  # a gateway redelivery of an earlier message
            events.append(rng.choice(events))
    return events


@dataclass
class EngineRun:
    seconds: float
    paid: int
    ok: bool


class StatementTimer:
    """The store's database, adding up how long the engine waited for each kind of statement (its first
    words), COMMIT included: where the database's share of a run goes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.waited: dict[str, list[float]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _add(self, sql: str, started: float) -> None:
        entry = self.waited.setdefault(" ".join(sql.split()[:4]), [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started

    @staticmethod
    def _timed(name: str) -> Any:
        async def method(self: StatementTimer, sql: str, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await getattr(self.inner, name)(sql, *args, **kwargs)
            finally:
                self._add(sql, started)

        return method

    # A sent write (SQLite) is only started here; the wait for it shows in the statement after it.
    execute, executemany, fetch_all, queue, queue_many, send = map(
        _timed, ("execute", "executemany", "fetch_all", "queue", "queue_many", "send")
    )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        joined = self.inner.in_transaction()  # a nested call joins the open transaction: no COMMIT of its own
        async with self.inner.transaction():
            yield
            ended = time.perf_counter()
        if not joined:
            self._add("COMMIT", ended)

    def table(self, count: int = 8) -> str:
        total = sum(seconds for _, seconds in self.waited.values())
        rows = sorted(self.waited.items(), key=lambda kv: -kv[1][1])[:count]
        lines = [f"{'seconds':>8} {'calls':>6}  statement (waited for in all: {total:.3f} s)"]
        lines += [f"{seconds:>8.3f} {calls:>6}  {sql}" for sql, (calls, seconds) in rows]
        return "\n".join(lines)


async def run_engine(
    target: str,
    events: list[MessageEvent],
    profile: cProfile.Profile | None = None,
    timer: list[StatementTimer] | None = None,
    warmup: Sequence[MessageEvent] = (),
) -> EngineRun:
    """Apply the events through the writer on a configured database; checks the ledger after.

    `warmup`: applied first, untimed (a running bot has the pages it touches cached; a database just opened
    reads them from disk). `timer`: a list that gets the run's StatementTimer (the statements are then timed)."""
    store = await Store.open(target, ManualClock(START))
    if timer is not None:
        timer.append(StatementTimer(store.db))
        store.db = timer[-1]
    rewards = Rewards(store)
    await asyncio.gather(*(rewards.submit(SCOPE, event) for event in warmup))
    if timer is not None:
        timer[-1].waited.clear()
    if profile is not None:
        profile.enable()
    started = time.perf_counter()
    futures = []
    for i, event in enumerate(events):
        futures.append(rewards.submit(SCOPE, event))
        if i % 200 == 199:
            await asyncio.sleep(0)  # a gateway delivers in bursts; let the writer interleave
    await rewards.writer.flush()
    elapsed = time.perf_counter() - started
    if profile is not None:
        profile.disable()
    paid = sum(len(f.result().paid) for f in futures)
    await rewards.close()
    if timer is not None:
        store.db = timer[-1].inner
    report = await check_ledger(store)
    await store.close()
    return EngineRun(elapsed, paid, report.ok)


def top_functions(profile: cProfile.Profile, count: int = 10) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(count)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join(lines[start : start + count + 1])


async def sqlite_times(
    args: argparse.Namespace, root: Path, events: list[MessageEvent], warmup: list[MessageEvent]
) -> tuple[dict[str, list[float]], dict[int, Path]]:
    """Seconds per mode and round, the engine on each history size interleaved with the anchors; and the
    template of each history size."""
    histories: list[int] = args.history
    templates = {h: await ensure_template(args.templates or root, h, args.members) for h in histories}
    authors = [e.author_id for e in events]
    brand, server = SCOPE.brand_id, SCOPE.server_id
    times: dict[str, list[float]] = {}
    paid: set[int] = set()
    for _ in range(args.repeat):
        for history in histories:
            target = root / "run.db"
            shutil.copyfile(templates[history], target)
            os.sync()  # the copy's write-back must not land on the timed run's commits
            run = await run_engine(str(target), events, warmup=warmup)
            target.unlink()
            times.setdefault(f"engine, {history:,} rows of history", []).append(run.seconds)
            paid.add(run.paid)
            if not run.ok:
                raise SystemExit("DRIFT: the ledger check failed after an engine run")
        for path in root.glob("anchor*"):
            path.unlink()
        os.sync()
        ceiling = anchors.raw_ceiling(root / "anchor-raw.db", brand, server, authors, START)
        times.setdefault("raw executemany (ceiling)", []).append(ceiling)
        naive = await anchors.naive_loop(root / "anchor-naive.db", brand, server, authors[: args.naive], START)
        times.setdefault("naive commit per event", []).append(naive * len(events) / args.naive)
    if len(paid) != 1:
        raise SystemExit(f"DRIFT: runs of the same events paid different counts: {sorted(paid)}")
    return times, templates


async def postgres_times(args: argparse.Namespace) -> dict[str, list[float]]:
    events = realistic_messages(args.pg_events, args.members, START)
    authors = [e.author_id for e in events]
    times: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        async with postgres_schema(args.pg) as url:
            await (await prepared_store(url, ManualClock(START))).close()
            run = await run_engine(url, events)
            if not run.ok:
                raise SystemExit("DRIFT: the ledger check failed after the PostgreSQL engine run")
            times.setdefault("postgres engine", []).append(run.seconds)
        async with postgres_schema(args.pg) as url:
            await (await Store.open(url, ManualClock(START))).close()
            anchor = await anchors.postgres_anchor(url, SCOPE.brand_id, SCOPE.server_id, authors, START)
            times.setdefault("postgres COPY + upsert / 2,500", []).append(anchor)
    return times


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=positive(int), default=20_000)
    parser.add_argument("--members", type=positive(int), default=2_000)
    parser.add_argument(
        "--naive", type=positive(int), default=1_500, help="events of the naive loop (its rate is scaled)"
    )
    parser.add_argument(
        "--history", type=counts, default="0,1000000", help="comma-separated earlier ledger rows per run"
    )
    parser.add_argument("--repeat", type=positive(int), default=3, help="interleaved rounds; medians are shown")
    parser.add_argument("--pg", default=DEFAULT_PG, help='PostgreSQL URL, or "none"')
    parser.add_argument("--pg-events", type=positive(int), default=100_000)
    parser.add_argument("--profile", action="store_true", help="print the engine's top 10 functions (own time)")
    parser.add_argument("--warmup", type=not_negative(int), default=2_500, help="untimed events before each engine run")
    parser.add_argument("--templates", type=folder, help="folder to keep the history databases in and reuse")
    args = parser.parse_args()
    collector.settle_for_serving()  # as python bot.py does at start-up (the events are built after, as live)
    events = realistic_messages(args.events, args.members, START)
    warmup = realistic_messages(args.warmup, args.members, START, 8, 950_000_000_000_000_000)
    with tempfile.TemporaryDirectory(prefix="ltz-bench-") as tmp:
        root = Path(tmp)
        times, templates = await sqlite_times(args, root, events, warmup)
        if args.profile:
            profile = cProfile.Profile()
            first = args.history[0]
            shutil.copyfile(templates[first], root / "profiled.db")
            await run_engine(str(root / "profiled.db"), events, profile, warmup=warmup)
            timers: list[StatementTimer] = []
            for history in args.history:
                shutil.copyfile(templates[history], root / "timed.db")
                os.sync()
                await run_engine(str(root / "timed.db"), events, timer=timers, warmup=warmup)
                (root / "timed.db").unlink()
    pg_times: dict[str, list[float]] = {}
    if args.pg != "none":
        try:
            pg_times = await postgres_times(args)
        except (OSError, ImportError) as exc:
            print(f"postgres skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
    rate = {mode: len(events) / statistics.median(s) for mode, s in times.items()}
    ceiling, naive = rate["raw executemany (ceiling)"], rate["naive commit per event"]
    engines = [m for m in rate if m.startswith("engine")]
    empty = rate[engines[0]]
    print(
        f"rewards engine, SQLite {sqlite3.sqlite_version}, {len(events):,} events (after {len(warmup):,} untimed), "
        f"{args.members:,} members, ",
        end="",
    )
    print(f"medians of {args.repeat} interleaved rounds (naive loop: {args.naive:,} events, rate scaled)")
    print(f"{'mode':<34}{'events/s':>11}{'of ceiling':>12}{'vs naive':>10}{'vs empty':>10}")
    for mode, per_second in rate.items():
        versus_empty = f"{per_second / empty:>9.0%}" if mode in engines else ""
        print(
            f"{mode:<34}{per_second:>11,.0f}{per_second / ceiling:>11.0%}{per_second / naive:>9.1f}x{versus_empty:>10}"
        )
    goals = [empty >= 0.25 * ceiling, empty >= 25 * naive, all(rate[m] >= 0.9 * empty for m in engines)]
    results = [
        (
            "engine, empty database",
            f"{empty:,.0f} events/s",
            f"{empty / ceiling:.0%} of raw ceiling, {empty / naive:.0f}x naive",
        ),
        *(
            (m.removeprefix("engine, "), f"{rate[m]:,.0f} events/s", f"{rate[m] / empty:.0%} of empty")
            for m in engines[1:]
        ),
    ]
    if pg_times:
        pg_events = args.pg_events
        pg = {mode: pg_events / statistics.median(s) for mode, s in pg_times.items()}
        engine, anchor = pg["postgres engine"], pg["postgres COPY + upsert / 2,500"]
        print(f"\nrewards engine, PostgreSQL, {pg_events:,} events")
        print(f"{'mode':<34}{'events/s':>11}{'vs anchor':>12}")
        for mode, per_second in pg.items():
            print(f"{mode:<34}{per_second:>11,.0f}{per_second / anchor:>11.2f}x")
        goals.append(engine >= 0.5 * anchor)
        results.append(("engine on PostgreSQL", f"{engine:,.0f} events/s", f"{engine / anchor:.2f}x COPY anchor"))
    if args.profile:
        print(f"\nengine, {args.history[0]:,} rows of history: top 10 functions by own time (event loop thread only)")
        print(top_functions(profile))
        for history, timer in zip(args.history, timers, strict=True):
            print(f"\nengine, {history:,} rows of history: time waited per statement (a separate, unprofiled run)")
            print(timer.table())
    publish("rewards_engine", results)
    print(
        "\ngoals (>= 25 % of ceiling, >= 25x naive, history within 10 %, PostgreSQL >= 0.5x):",
        "met" if all(goals) else "MISSED",
    )
    return 0 if all(goals) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
