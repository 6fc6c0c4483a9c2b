"""Throughput of the rewards engine on SQLite: group commit vs commit-per-event vs raw executemany.

Run: .venv/bin/python bench/rewards_engine.py [--events 20000] [--members 2000] [--naive 1500]

1. engine, group commit: the RewardWriter (its defaults: <= 2500 events, <= 100 ms) applies N realistic
   messages (gm/gn greetings, long messages, keyword mentions, chat, commands, bots, redeliveries)
   from many members with role bonuses, on a fresh database with the default events plus a keyword one.
2. engine, commit per event: the same engine with batch size 1 (what a naive listener does), on a
   fresh database, for the first --naive messages.
3. raw executemany ceiling: the ledger, stats and seen-event rows run 1 produced, written again with
   sqlite3's executemany in one transaction: the cost of the writes alone, no decisions.
Targets: run 1 >= 20,000 events/s and >= 20x run 2. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loyalteez.clock import ManualClock
from loyalteez.services.rewards import MessageEvent, Rewards, check_ledger, install_default_rules
from loyalteez.services.rewards.admin_events import EventOptions, create_event, toggle_event
from loyalteez.services.rewards.admin_server import set_role_bonus
from loyalteez.services.rewards.writer import DEFAULT_MAX_BATCH
from loyalteez.store import Scope, Store
from loyalteez.store.schema import SCHEMA_FILE

SCOPE = Scope("bench_brand", "900000000000000001")
CHANNELS = [str(910000000000000000 + i) for i in range(6)]
ROLES = {"booster": "920000000000000001", "vip": "920000000000000002", "supporter": "920000000000000003"}
GREETINGS = [
    "gm",
    "GM fam!",
    "good morning everyone",
    "gm frens ☀️",
    "Morning! coffee first",
    "rise and shine",
    "gn",
    "good night all",
    "nighty night",
    "sweet dreams fam",
]
CHAT = [
    "lol",
    "anyone around?",
    "that's wild",
    "gmail is down again",
    "ok",
    "nice one",
    "haha yes",
    "what time is the AMA?",
    "brb",
    "this is the way",
]
WORDS = [
    "community",
    "loyalty",
    "reward",
    "points",
    "weekly",
    "event",
    "members",
    "discord",
    "server",
    "quest",
    "drop",
    "streak",
    "season",
    "leaderboard",
    "feedback",
    "roadmap",
    "launch",
    "partner",
]


def realistic_messages(n: int, members: int, start: datetime, seed: int = 7) -> list[MessageEvent]:
    rng = random.Random(seed)
    member_ids = [str(930000000000000000 + i) for i in range(members)]
    role_sets = [(), (ROLES["booster"],), (ROLES["vip"],), (ROLES["booster"], ROLES["supporter"])]
    roles_of = {m: rng.choice(role_sets) for m in member_ids}
    events: list[MessageEvent] = []
    for i in range(n):
        author = rng.choice(member_ids)
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
                message_id=str(940000000000000000 + i),
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


async def prepared_store(path: Path, clock: ManualClock) -> Store:
    store = await Store.open(str(path), clock)
    await store.insert_brand({"brand_id": SCOPE.brand_id, "name": "Bench", "key_salt": "00", "key_hash": "x"})
    data = store.scoped(SCOPE)
    await data.server.link("Bench server")
    await install_default_rules(data, clock)
    await toggle_event(data, "1", "quality_message", True)
    await create_event(
        data,
        "1",
        "ltz_shoutout",
        EventOptions(reward=5, trigger="keyword", cooldown_hours=2, keywords=["loyalteez", "ltz"]),
    )
    await set_role_bonus(data, "1", ROLES["booster"], "multiplier", 1.5, priority=10)
    await set_role_bonus(data, "1", ROLES["vip"], "multiplier", 2.0, priority=5)
    await set_role_bonus(data, "1", ROLES["supporter"], "flat_bonus", 10)
    return store


async def run_engine(path: Path, events: list[MessageEvent], batch: int) -> tuple[float, int, int, Store]:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    store = await prepared_store(path, clock)
    rewards = Rewards(store, max_batch=batch)
    started = time.perf_counter()
    futures = []
    for i, event in enumerate(events):
        futures.append(rewards.submit(SCOPE, event))
        if i % 200 == 199:
            await asyncio.sleep(0)  # a gateway delivers in bursts; let the writer interleave
    await rewards.writer.flush()
    elapsed = time.perf_counter() - started
    paid = sum(len(f.result().paid) for f in futures)
    await rewards.close()
    return elapsed, rewards.writer.batches, paid, store


def raw_ceiling(source: Path, target: Path) -> tuple[float, int]:
    """Write run 1's ledger, stats and seen rows again with plain executemany in one transaction."""
    src = sqlite3.connect(source)
    ledger = src.execute(
        "SELECT id, brand_id, server_id, discord_user_id, event_type, amount, idempotency_key, "
        "channel_id, is_test, details, created_at FROM loyalteez_reward_ledger"
    ).fetchall()
    stats = src.execute(
        "SELECT brand_id, server_id, discord_user_id, messages_count, reactions_count, "
        "voice_minutes, ltz_earned, created_at, updated_at FROM discord_user_stats"
    ).fetchall()
    seen = src.execute("SELECT brand_id, server_id, event_key, seen_on FROM loyalteez_seen_events").fetchall()
    server = src.execute("SELECT server_id, brand_id FROM discord_server_configs").fetchall()
    src.close()
    db = sqlite3.connect(target, isolation_level=None)
    db.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
    for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"):
        db.execute(pragma)
    db.executemany("INSERT INTO discord_server_configs (server_id, brand_id) VALUES (?, ?)", server)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO loyalteez_seen_events VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", seen)
    db.executemany(
        "INSERT INTO loyalteez_reward_ledger (id, brand_id, server_id, discord_user_id, event_type, "
        "amount, idempotency_key, channel_id, is_test, details, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        ledger,
    )
    db.executemany(
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, "
        "reactions_count, voice_minutes, ltz_earned, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (server_id, discord_user_id) DO UPDATE SET "
        "messages_count = messages_count + excluded.messages_count, "
        "ltz_earned = ltz_earned + excluded.ltz_earned",
        stats,
    )
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed, len(seen) + len(ledger) + len(stats)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--naive", type=int, default=1_500, help="messages for the commit-per-event run")
    parser.add_argument("--batch", type=int, default=DEFAULT_MAX_BATCH, help="the writer's max batch")
    args = parser.parse_args()
    events = realistic_messages(args.events, args.members, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory(prefix="ltz-bench-") as tmp:
        root = Path(tmp)
        grouped, batches, paid, store = await run_engine(root / "grouped.db", events, args.batch)
        report = await check_ledger(store)
        await store.close()
        naive_events = events[: args.naive]
        naive, naive_batches, _, naive_store = await run_engine(root / "naive.db", naive_events, 1)
        await naive_store.close()
        raw, raw_rows = raw_ceiling(root / "grouped.db", root / "raw.db")

    rate = len(events) / grouped
    naive_rate = len(naive_events) / naive
    rows = [
        ("engine, group commit", len(events), grouped, rate, batches),
        ("engine, commit per event", len(naive_events), naive, naive_rate, naive_batches),
        ("raw executemany (ceiling)", len(events), raw, len(events) / raw, 1),
    ]
    print(
        f"rewards engine on SQLite {sqlite3.sqlite_version}, {args.members} members, "
        f"{paid} payouts in run 1, ledger check: {'ok' if report.ok else 'DRIFT'}"
    )
    print(f"{'mode':<28}{'events':>9}{'seconds':>10}{'events/s':>12}{'commits':>9}{'vs naive':>10}")
    for name, count, seconds, per_second, commits in rows:
        print(f"{name:<28}{count:>9,}{seconds:>10.3f}{per_second:>12,.0f}{commits:>9,}{per_second / naive_rate:>9.1f}x")
    print(f"(raw ceiling wrote {raw_rows:,} rows: seen events, ledger, stats)")
    ok = rate >= 20_000 and rate >= 20 * naive_rate and report.ok
    print("targets (>= 20,000/s, >= 20x naive):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
