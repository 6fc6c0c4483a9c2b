"""Fills a dedicated PostgreSQL database with one brand's big servers, server-side (generate_series).

The shape follows a busy community: members' activity is skewed (a few members earn most payouts), the
ledger is appended in time order over a year, rollups and member firsts are derived from the ledger as
the rewards engine would have written them, and the audit log holds admin actions about members. The
secondary indexes of the big tables are dropped during the fill and rebuilt after it (much faster than
maintaining them row by row); their definitions are read from the catalog, so whatever the schema
version defines is what comes back.

A filled database is marked with a comment holding its size; a later run with the same size reuses it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from loyalteez.clock import ManualClock
from loyalteez.store import Scope, Store

BRAND = "scale_brand"
NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)  # a Wednesday in mid-month: week and month both hold days
HISTORY_DAYS = 365
BIG_TABLES = (
    "loyalteez_reward_ledger",
    "discord_user_stats",
    "loyalteez_activity_daily",
    "loyalteez_member_analytics",
    "discord_audit_log",
)
EVENTS = ("message", "reaction", "voice", "daily_checkin", "drop", "achievement")
AUDIT_ACTIONS = ("rewards.manual_reward", "config.rules", "config.users", "drops.start", "rewards.import")


@dataclass(frozen=True, slots=True)
class Size:
    """How big one fill is: servers, and per server its members, ledger rows and audit rows."""

    servers: int
    members: int
    ledger: int
    audit: int

    @property
    def label(self) -> str:
        """What a filled database is marked with; the fill's version changes when its shape does."""
        return f"servers={self.servers} members={self.members} ledger={self.ledger} audit={self.audit} fill=2"


FULL = Size(servers=10, members=100_000, ledger=1_000_000, audit=100_000)
QUICK = Size(servers=10, members=10_000, ledger=100_000, audit=10_000)


def server_id(n: int) -> str:
    return str(900_000_000_000_000_100 + n)


def member_id(n: int) -> str:
    """The n-th member's Discord id (the fill computes the same ids in SQL)."""
    return str(300_000_000_000_000_000 + n)


def scopes(size: Size) -> list[Scope]:
    return [Scope(BRAND, server_id(n)) for n in range(size.servers)]


async def filled_size(url: str) -> str | None:
    """The size label the database was filled with (None: not filled, or not finished)."""
    conn = await asyncpg.connect(url)
    try:
        label = await conn.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        return None if label is None else str(label)
    finally:
        await conn.close()


async def ensure_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def fill(url: str, size: Size, say: Callable[[str], None]) -> None:
    """Create the schema through the store (migrations included), then fill every server."""
    store = await Store.open(url, ManualClock(NOW - timedelta(days=HISTORY_DAYS + 30)))
    try:
        if await store.get_brand(BRAND) is None:
            await store.insert_brand({"brand_id": BRAND, "name": "Scale", "key_salt": "00", "key_hash": "x"})
        for scope in scopes(size):
            await store.scoped(scope).server.link(f"Scale {scope.server_id[-3:]}")
    finally:
        await store.close()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("SET maintenance_work_mem = '256MB'")
        await conn.execute("SELECT setseed(0.42)")
        for table in BIG_TABLES:
            await conn.execute(f"TRUNCATE {table}")
        indexes = await conn.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)",
            list(BIG_TABLES),
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        for n, scope in enumerate(scopes(size)):
            started = time.perf_counter()
            await _fill_ledger(conn, scope.server_id, size)
            say(f"  server {n + 1}/{size.servers}: ledger in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        await _fill_rollups(conn)
        say(f"  rollups in {time.perf_counter() - started:.0f} s")
        for n, scope in enumerate(scopes(size)):
            started = time.perf_counter()
            await _fill_members(conn, scope.server_id, size)
            say(f"  server {n + 1}/{size.servers}: members and audit in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        for index in indexes:
            await conn.execute(index["indexdef"])
        say(f"  {len(indexes)} indexes rebuilt in {time.perf_counter() - started:.0f} s")
        await conn.execute("VACUUM ANALYZE")
        database = await conn.fetchval("SELECT current_database()")
        await conn.execute(f"COMMENT ON DATABASE \"{database}\" IS '{size.label}'")
    finally:
        await conn.close()


def _member_sql(members: int) -> str:
    """A member id skewed towards the first ones (a few members earn most)."""
    return f"(300000000000000000 + floor({members} * power(random(), 3))::bigint)::text"


async def _fill_ledger(conn: asyncpg.Connection, server: str, size: Size) -> None:
    """Time-ordered payouts over the history, about 1% of them test payouts."""
    events = "ARRAY[" + ", ".join(f"'{e}'" for e in EVENTS) + "]"
    await conn.execute(
        "INSERT INTO loyalteez_reward_ledger (id, brand_id, server_id, discord_user_id, event_type, amount, "
        "idempotency_key, is_test, created_at) "
        f"SELECT gen_random_uuid(), $1, $2, {_member_sql(size.members)}, "
        f"({events})[1 + floor(random() * {len(EVENTS)})::int], 1 + floor(random() * 20)::int, "
        "'k' || g, random() < 0.01, $3::timestamptz + (g::float8 / $4) * interval '1 day' * $5 "
        "FROM generate_series(1, $4) g",
        BRAND,
        server,
        NOW - timedelta(days=HISTORY_DAYS),
        size.ledger,
        HISTORY_DAYS,
    )


async def _fill_rollups(conn: asyncpg.Connection) -> None:
    """Daily rollups of real payouts, every server's, in day order: the engine appends them day by day."""
    await conn.execute(
        "INSERT INTO loyalteez_activity_daily (brand_id, server_id, day, discord_user_id, messages, reactions, "
        "voice_minutes, voice_sessions, checkins, rewards, ltz_earned, streak) "
        "SELECT brand_id, server_id, (created_at AT TIME ZONE 'UTC')::date, discord_user_id, "
        "3 * COUNT(*) FILTER (WHERE event_type = 'message'), COUNT(*) FILTER (WHERE event_type = 'reaction'), "
        "12 * COUNT(*) FILTER (WHERE event_type = 'voice'), COUNT(*) FILTER (WHERE event_type = 'voice'), "
        "LEAST(1, COUNT(*) FILTER (WHERE event_type = 'daily_checkin')), COUNT(*), SUM(amount), "
        "LEAST(1, COUNT(*) FILTER (WHERE event_type = 'daily_checkin')) "
        "FROM loyalteez_reward_ledger WHERE NOT is_test GROUP BY brand_id, server_id, 3, discord_user_id "
        "ORDER BY 3, server_id, discord_user_id"
    )


async def _fill_members(conn: asyncpg.Connection, server: str, size: Size) -> None:
    """Stats, member firsts and audit rows of one server, consistent with its rollups."""
    actions = "ARRAY[" + ", ".join(f"'{a}'" for a in AUDIT_ACTIONS) + "]"
    async with conn.transaction():
        # Stats for every member (a third never earned), totals from the rollups.
        await conn.execute(
            "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, voice_minutes, "
            "reactions_count, ltz_earned, ltz_spent, claims, created_at, updated_at) "
            "SELECT $1, $2, m.id, COALESCE(d.messages, 0) + floor(random() * 20)::int, COALESCE(d.voice, 0), "
            "COALESCE(d.reactions, 0), COALESCE(d.ltz, 0), 0, COALESCE(d.claims, 0), $3, $3 "
            "FROM (SELECT (300000000000000000 + g)::text AS id FROM generate_series(0, $4 - 1) g) m "
            "LEFT JOIN (SELECT discord_user_id, SUM(messages) AS messages, SUM(reactions) AS reactions, "
            "SUM(voice_minutes) AS voice, SUM(ltz_earned) AS ltz, SUM(rewards) AS claims FROM loyalteez_activity_daily "
            "WHERE server_id = $2 GROUP BY discord_user_id) d ON d.discord_user_id = m.id",
            BRAND,
            server,
            NOW,
            size.members,
        )
        # Member firsts: joined at some point of the last two years, active on their last rollup day.
        await conn.execute(
            "INSERT INTO loyalteez_member_analytics (brand_id, server_id, discord_user_id, joined_at, first_seen_at, "
            "entered_at, first_reward_at, last_active_on, checkin_streak) "
            "SELECT $1, $2, m.id, m.joined, d.first_at, LEAST(m.joined, d.first_at), d.first_at, d.last_day, 0 "
            "FROM (SELECT (300000000000000000 + g)::text AS id, "
            "$3::timestamptz - random() * interval '730 days' AS joined FROM generate_series(0, $4 - 1) g) m "
            "LEFT JOIN (SELECT discord_user_id, MIN(day)::timestamptz AS first_at, MAX(day) AS last_day "
            "FROM loyalteez_activity_daily WHERE server_id = $2 GROUP BY discord_user_id) d "
            "ON d.discord_user_id = m.id",
            BRAND,
            server,
            NOW,
            size.members,
        )
        # Audit: admin actions about members, time-ordered.
        await conn.execute(
            "INSERT INTO discord_audit_log (id, server_id, brand_id, actor_type, actor_id, action, target_user_id, "
            "details, is_test, created_at) "
            f"SELECT gen_random_uuid(), $2, $1, 'admin', '200000000000000001', "
            f"({actions})[1 + floor(random() * {len(AUDIT_ACTIONS)})::int], {_member_sql(size.members)}, "
            "jsonb_build_object('event_type', 'message', 'amount', g % 50), FALSE, "
            "$3::timestamptz + (g::float8 / $4) * interval '1 day' * $5 FROM generate_series(1, $4) g",
            BRAND,
            server,
            NOW - timedelta(days=HISTORY_DAYS),
            size.audit,
            HISTORY_DAYS,
        )
