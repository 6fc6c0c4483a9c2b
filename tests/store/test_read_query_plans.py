"""The reads that grow with a server's history are index ranges on both engines, as the planner sees them.

Two servers of one brand get a few thousand members, a ledger of tens of thousands of payouts, rollups,
member firsts and audit rows (enough that a full scan costs the planner more than an index), statistics
are refreshed, and then each read runs through its repository while its statements are captured and
EXPLAINed: each must name the index it is meant to use and none may scan a big table whole.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from loyalteez.store import ScopedData, Store
from tests.conftest import linked

MEMBERS = 3000
EARNERS = 1000  # most members of a big server never earn
CROWD = 6  # quieter servers around the two busy ones
CROWD_LEDGER_ROWS = 5000
LEDGER_ROWS = 15000
AUDIT_ROWS = 3000
DAYS = 60
BIG_TABLES = (
    "loyalteez_reward_ledger",
    "discord_user_stats",
    "loyalteez_activity_daily",
    "loyalteez_member_analytics",
    "discord_audit_log",
)
ROLLUP_KEY = ("loyalteez_activity_daily_pkey", "sqlite_autoindex_loyalteez_activity_daily_1")
STATS_KEY = ("discord_user_stats_pkey", "sqlite_autoindex_discord_user_stats_1")
# A window of payouts is a range of the server's ledger by time: the covering index of real payouts (what
# a vacuumed PostgreSQL picks at scale) or the plain one (when a lagging visibility map makes index-only
# reads look no cheaper, and SQLite's choice).
SERVER_TIME = ("idx_reward_ledger_real_window", "idx_reward_ledger_server_time")
# A member's payouts are in two partial indexes (filed history, newer rows): a member read needs both.
MEMBER_HALVES = ("idx_reward_ledger_member_filed", "idx_reward_ledger_member_fresh")


def member(n: int) -> str:
    return str(300_000_000_000_000_000 + n)


async def fill_server(store: Store, data: ScopedData, now: datetime, rng: random.Random) -> None:
    """One busy server's big tables, skewed like a real community (a few members earn most)."""
    brand, server = data.scope.brand_id, data.scope.server_id
    start = now - timedelta(days=DAYS)
    ledger, earned, claims = [], [0] * MEMBERS, [0] * MEMBERS
    for n in range(LEDGER_ROWS):
        who = int(EARNERS * rng.random() ** 3)
        amount, is_test = rng.randint(1, 20), rng.random() < 0.01
        at = start + timedelta(days=DAYS * n / LEDGER_ROWS)
        if not is_test:
            earned[who] += amount
            claims[who] += 1
        ledger.append((str(uuid.uuid4()), brand, server, member(who), "message", amount, f"k{n}", is_test, at))
    await insert_payouts(store, ledger)
    await data.ledger.file(now - timedelta(days=DAYS // 2), LEDGER_ROWS)  # older half filed, as the job leaves it
    await store.db.executemany(
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, reactions_count, "
        "voice_minutes, ltz_earned, claims) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (brand, server, member(n), 3 * claims[n], rng.randint(0, 9), rng.choice((0, 0, 30)), earned[n], claims[n])
            for n in range(MEMBERS)
        ],
    )
    rollups = {(row[8].date(), row[3]) for row in ledger}
    await store.db.executemany(
        "INSERT INTO loyalteez_activity_daily (brand_id, server_id, day, discord_user_id, messages, reactions, "
        "voice_minutes, voice_sessions, rewards, ltz_earned) VALUES (?, ?, ?, ?, 3, 1, 5, 1, 1, 10)",
        [(brand, server, day, who) for day, who in sorted(rollups)],
    )
    await store.db.executemany(
        "INSERT INTO loyalteez_member_analytics (brand_id, server_id, discord_user_id, joined_at, entered_at, "
        "last_active_on) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (brand, server, member(n), at, at, (now - timedelta(days=rng.randint(0, 400))).date())
            for n in range(MEMBERS)
            for at in [now - timedelta(days=rng.randint(0, 700), hours=1)]
        ],
    )
    await store.db.executemany(
        "INSERT INTO discord_audit_log (id, server_id, brand_id, actor_type, actor_id, action, target_user_id, "
        "created_at) VALUES (?, ?, ?, 'admin', '1', ?, ?, ?)",
        [
            (
                str(uuid.uuid4()),
                server,
                brand,
                rng.choice(("config.rules", "rewards.manual_reward")),
                member(rng.randrange(MEMBERS)),
                start + timedelta(days=DAYS * n / AUDIT_ROWS),
            )
            for n in range(AUDIT_ROWS)
        ],
    )


async def insert_payouts(store: Store, rows: list[tuple[Any, ...]]) -> None:
    await store.db.executemany(
        "INSERT INTO loyalteez_reward_ledger (id, brand_id, server_id, discord_user_id, event_type, amount, "
        "idempotency_key, is_test, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


async def fill_crowd_server(store: Store, data: ScopedData, now: datetime) -> None:
    """A quieter neighbour: members and a steady trickle of payouts over the same days.

    Without neighbours' payouts the two busy servers would be half the ledger each, and the planner may
    rightly prefer the brand-wide time index; on a bot serving many servers one server is a small part.
    """
    brand, server = data.scope.brand_id, data.scope.server_id
    await store.db.executemany(
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, ltz_earned, "
        "claims) VALUES (?, ?, ?, 1, ?, 0)",
        [(brand, server, member(n), n % 3) for n in range(MEMBERS)],
    )
    start = now - timedelta(days=DAYS)
    await insert_payouts(
        store,
        [
            (
                str(uuid.uuid4()),
                brand,
                server,
                member(n % MEMBERS),
                "message",
                1,
                f"c{n}",
                False,
                start + timedelta(days=DAYS * n / CROWD_LEDGER_ROWS),
            )
            for n in range(CROWD_LEDGER_ROWS)
        ],
    )


class Captured:
    """Records every statement a read sends (all reads go through fetch_all)."""

    def __init__(self, store: Store) -> None:
        self.store, self.statements = store, []
        self._fetch_all = store.db.fetch_all

    async def __call__(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        self.statements.append((sql, list(params)))
        return await self._fetch_all(sql, params)

    async def plans(self, read: Callable[[], Awaitable[Any]]) -> list[str]:
        self.statements = []
        self.store.db.fetch_all = self  # type: ignore[method-assign]
        try:
            await read()
        finally:
            self.store.db.fetch_all = self._fetch_all  # type: ignore[method-assign]
        plans = []
        for sql, params in self.statements:
            if self.store.db.dialect == "sqlite":
                rows = await self._fetch_all("EXPLAIN QUERY PLAN " + sql, params)
                plans.append("\n".join(str(r["detail"]) for r in rows))
            else:
                rows = await self._fetch_all("EXPLAIN " + sql, params)
                plans.append("\n".join(str(r["QUERY PLAN"]) for r in rows))
        return plans


def full_scans(plan: str) -> list[str]:
    """Big tables the plan reads whole (a PostgreSQL Seq Scan, a SQLite SCAN without an index)."""
    found = []
    for table in BIG_TABLES:
        if re.search(rf"Seq Scan on {table}\b", plan) or re.search(rf"^SCAN {table}$", plan, re.MULTILINE):
            found.append(table)
    return found


async def test_growing_reads_use_their_indexes(store: Store, clock) -> None:
    now = clock.now()
    rng = random.Random(7)
    target = store.scoped(await linked(store, "brand_a", "900000000000000100"))
    other = store.scoped(await linked(store, "brand_a", "900000000000000101"))
    # A server is a small part of the tables, as on a bot serving many: more servers around it.
    crowd = [store.scoped(await linked(store, "brand_a", str(900_000_000_000_000_200 + n))) for n in range(CROWD)]
    async with store.transaction():
        for data in (target, other):
            await fill_server(store, data, now, rng)
        for data in crowd:
            await fill_crowd_server(store, data, now)
    # Statistics (and PostgreSQL's visibility map, for index-only scans) as autovacuum would leave them.
    if store.db.dialect == "postgresql":
        await store.db.execute(f"VACUUM ANALYZE {', '.join(BIG_TABLES)}")
    else:
        await store.db.execute("ANALYZE")

    week, today = now - timedelta(days=7), now.date()
    caller = member(MEMBERS // 3)
    reads: dict[str, tuple[Callable[[], Awaitable[Any]], tuple[str, ...]]] = {}
    for kind, index in (
        ("ltz_earned", "idx_user_stats_ltz_rank"),
        ("activity", "idx_user_stats_activity_rank"),
        ("voice", "idx_user_stats_voice_rank"),
        ("claims", "idx_user_stats_claims_rank"),
    ):
        reads[f"{kind} all-time board"] = (lambda k=kind: target.standings.board(k, None, 10, 20, caller), (index,))
        reads[f"{kind} all-time ranked"] = (lambda k=kind: target.standings.ranked(k, None), (index, *STATS_KEY))
    for kind in ("ltz_earned", "claims"):
        reads[f"{kind} week board"] = (lambda k=kind: target.standings.board(k, week, 10, 0, caller), SERVER_TIME)
    for kind in ("activity", "voice"):
        reads[f"{kind} week board"] = (lambda k=kind: target.standings.board(k, week, 10, 0, caller), ROLLUP_KEY)
    reads["balance: holdings"] = (lambda: target.standings.holdings(caller), STATS_KEY)
    reads["balance: earned today"] = (lambda: target.standings.earned_since(caller, now.replace(hour=0)), MEMBER_HALVES)
    reads["member history page"] = (lambda: target.ledger.history(caller, 10, 20), MEMBER_HALVES)
    reads["member history size"] = (lambda: target.ledger.history_size(caller), MEMBER_HALVES)
    reads["member claims today"] = (lambda: target.standings.claims_since(caller, now.replace(hour=0)), MEMBER_HALVES)
    reads["member last claims"] = (lambda: target.standings.last_claims(caller, is_test=False), MEMBER_HALVES)
    reads["segment whales"] = (
        lambda: target.segments.page("whales", today, now, 10, 0),
        ("idx_user_stats_ltz_rank",),
    )
    reads["segment new"] = (
        lambda: target.segments.page("new", today, now, 10, 0),
        ("idx_member_analytics_entered",),
    )
    reads["segment power users"] = (lambda: target.segments.page("power_users", today, now, 10, 0), ROLLUP_KEY)
    reads["audit page"] = (
        lambda: target.audit.newest_snapshot(limit=25),
        ("idx_audit_log_server", "idx_audit_log_server_time"),
    )
    reads["export page of payouts"] = (
        lambda: target.exports.page_snapshot("rewards", [now - timedelta(days=3), str(uuid.uuid4())], 500),
        ("idx_reward_ledger_server_time",),
    )

    capture = Captured(store)
    problems = []
    for name, (read, indexes) in reads.items():
        plans = await capture.plans(read)
        text = "\n".join(plans)
        if indexes == MEMBER_HALVES and not all(index in text for index in indexes):
            problems.append(f"{name}: not both of {indexes} in\n{text}")
        if not any(index in text for index in indexes):
            problems.append(f"{name}: none of {indexes} in\n{text}")
        for plan in plans:
            if scanned := full_scans(plan):
                problems.append(f"{name}: reads {scanned} whole\n{plan}")
    assert not problems, "\n\n".join(problems)


async def test_a_members_history_reads_the_member_index_before_any_analyze(store: Store, clock) -> None:
    """A fresh SQLite database has no statistics: the member page, /balance's "today" and the API's counts
    must still read the member's own payouts, not the server's whole ledger by time (1 s a request at 300k
    payouts before)."""
    if store.db.dialect != "sqlite":
        pytest.skip("PostgreSQL plans from statistics autovacuum keeps; the tie is SQLite's without them")
    data = store.scoped(await linked(store, "brand_a", "900000000000000100"))
    async with store.transaction():
        await fill_server(store, data, clock.now(), random.Random(3))
    capture = Captured(store)
    for read in (
        lambda: data.ledger.history(member(5), 20, 0),
        lambda: data.ledger.history_size(member(5)),
        lambda: data.standings.earned_since(member(5), clock.now() - timedelta(days=1)),
        lambda: data.standings.claims_since(member(5), clock.now() - timedelta(days=1)),
        lambda: data.standings.last_claims(member(5), is_test=False),
        lambda: data.goals.first_today([member(5), member(6)], clock.now() - timedelta(days=1), {member(5): 1}),
    ):
        [plan] = await capture.plans(read)
        assert all(index in plan for index in MEMBER_HALVES), plan
        assert not full_scans(plan), plan
