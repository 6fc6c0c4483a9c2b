"""The web benchmark's server: 100k members, a month of payouts, two weeks of rollups, 90 days of KPI snapshots.

Seeded before the bot starts, with plain executemany for the bulk rows (the bot's own writes are not measured);
bench/web.py then serves it and plays the clients.
"""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVER_ID, BRAND_ID, OWNER_ID = "880000000000000001", "bench_brand", "870000000000000001"
MEMBER_BASE = 800_000_000_000_000_000


def stamp(moment: datetime) -> str:
    """How the SQLite engine stores a TIMESTAMPTZ (store/sqlite_codecs.py)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


async def seed(path: Path, members: int, now: datetime) -> tuple[str, str]:
    """The database the bot opens; returns (API token, one-time operator link token)."""
    from loyalteez.clock import ManualClock
    from loyalteez.services.access.web import PUBLIC_KEY, WebAccess
    from loyalteez.services.analytics.targets import set_target
    from loyalteez.services.api import tokens
    from loyalteez.services.rewards import install_default_rules
    from loyalteez.store import Scope, Store

    clock = ManualClock(now - timedelta(days=100))  # connected 100 days ago: every board reads its period
    store = await Store.open(str(path), clock)
    try:
        await store.insert_brand({"brand_id": BRAND_ID, "name": "Bench", "key_salt": "00", "key_hash": "x"})
        data = store.scoped(Scope(BRAND_ID, SERVER_ID))
        await data.server.link("Bench server")
        await install_default_rules(data, clock)
        await data.rewards.set_metadata({PUBLIC_KEY: True})
        clock.set(now)
        for metric, target in (("daily_active_users", "9000"), ("weekly_active_users", "30000")):
            await set_target(data, OWNER_ID, metric, target, "week", None)
        token = (await tokens.create(store, BRAND_ID, "bench")).token
        link = (await WebAccess(store, clock).issue_login_link(data.scope)).token
    finally:
        await store.close()
    bulk_rows(path, members, now)
    return token, link


def bulk_rows(path: Path, members: int, now: datetime) -> None:
    """Stats, ledger, rollups and snapshots with plain executemany (the bot's own writes are not measured)."""
    rng = random.Random(11)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    created = stamp(now - timedelta(days=90))
    stats = []
    for i in range(members):
        messages = int(rng.paretovariate(1.2) * 5)
        stats.append(
            (BRAND_ID, SERVER_ID, str(MEMBER_BASE + i), messages, rng.randint(0, 400), messages // 3,
             messages * 3 + rng.randint(0, 50), rng.randint(0, 20), created, created)
        )  # fmt: skip
    db.executemany(
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, voice_minutes, "
        "reactions_count, ltz_earned, ltz_spent, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        stats,
    )
    ledger = []
    for n in range(members * 3):
        member = str(MEMBER_BASE + rng.randrange(members))
        when = now - timedelta(seconds=rng.randrange(30 * 86400))
        ledger.append(
            (str(uuid.UUID(int=rng.getrandbits(128))), BRAND_ID, SERVER_ID, member,
             rng.choice(["daily_checkin", "quality_message", "reaction_received"]), rng.choice([5, 10, 25]),
             f"bench:{n}", "910000000000000001", 0, "{}", stamp(when))
        )  # fmt: skip
    # Oldest first, as a live bot appends its ledger: rows of one period sit together on disk. Rows in random
    # order made every period read that looks up a row (the /stats breakdown by event) 7x slower than a real
    # server's (1,165 vs 157 ms for 30 days of 300k payouts).
    ledger.sort(key=lambda row: row[-1])
    db.executemany(
        "INSERT INTO loyalteez_reward_ledger (id, brand_id, server_id, discord_user_id, event_type, amount, "
        "idempotency_key, channel_id, is_test, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ledger,
    )
    active = max(1, members // 7)
    rollups = []
    for back in range(14):
        day = (now - timedelta(days=back)).date().isoformat()
        for i in rng.sample(range(members), active):
            rollups.append(
                (BRAND_ID, SERVER_ID, day, str(MEMBER_BASE + i), rng.randint(1, 40), rng.randint(0, 20),
                 rng.choice([0, 0, 0, 15, 45]), 0, rng.randint(0, 1), rng.randint(1, 5), rng.randint(5, 100), 0)
            )  # fmt: skip
    db.executemany(
        "INSERT INTO loyalteez_activity_daily (brand_id, server_id, day, discord_user_id, messages, reactions, "
        "voice_minutes, voice_sessions, checkins, rewards, ltz_earned, streak) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rollups,
    )
    db.executemany(
        "INSERT INTO discord_kpi_snapshots (id, brand_id, server_id, snapshot_date, snapshot_type, metrics, "
        "created_at) VALUES (?, ?, ?, ?, 'daily', ?, ?)",
        [
            (str(uuid.uuid4()), BRAND_ID, SERVER_ID, day.isoformat(), json.dumps(kpi_values(rng, active)), created)
            for day in (now.date() - timedelta(days=back) for back in range(1, 91))
        ],
    )
    db.execute("COMMIT")
    db.close()


def kpi_values(rng: random.Random, active: int) -> dict[str, float]:
    from loyalteez.services.analytics.metrics import KPIS

    values: dict[str, float] = {}
    for kpi in KPIS:
        if kpi.kind == "count":
            values[kpi.name] = float(int(active * rng.uniform(0.8, 1.2)))
        elif kpi.kind == "ratio":
            values[kpi.name] = round(rng.uniform(0.05, 0.9), 4)
        else:
            values[kpi.name] = round(rng.uniform(0.5, 48), 2)
    return values
