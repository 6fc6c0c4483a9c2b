"""Every statement of the reward path uses an index, so its cost does not grow with the server's history.

The engine pays thousands of events a second for years: a statement that walks the ledger (or the seen
keys, or the member stats) grows slower with every payout. This records every statement a realistic
reward path runs (a message batch, /claim, /join, a budgeted brand), on a database holding other servers'
and earlier months' history, then asks each engine for its plan: no table that grows with activity may be
scanned whole, nor searched by the scope alone (which is the whole history of a server or a brand).
SQLite is asked as it runs in production (no statistics); PostgreSQL whether an index can serve it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from loyalteez.services.drops import Drops
from loyalteez.services.rewards import ClaimRequest, Member, Rewards
from loyalteez.services.rewards.admin_events import EventOptions, create_event
from loyalteez.services.rewards.admin_server import set_role_bonus
from loyalteez.store import Scope, Store
from loyalteez.store.database import Database, Row
from tests.services.drops.test_service import new_drop
from tests.services.rewards.helpers import ALICE, BOB, BOOSTER, CAROL, Messages, connected

GROWING = {
    "loyalteez_reward_ledger",
    "loyalteez_seen_events",
    "discord_user_stats",
    "loyalteez_activity_daily",
    "loyalteez_member_analytics",
    "loyalteez_daily_checkins",
    "discord_audit_log",
    "discord_drop_claims",
}
# Columns that only name the tenant: an index search on these alone reads a whole server's (brand's) rows.
SCOPE_ONLY = {"brand_id", "server_id", "is_test"}
# The brand's real spend for budgets: one covering-index sum, read once a minute per brand (BrandSpend).
ALLOWED = ("SELECT COALESCE(SUM(amount), 0) FROM loyalteez_reward_ledger WHERE brand_id = ? AND is_test = ?",)
HISTORY_SERVERS = ("1002", "1003")
EVENTS = ("bonus_drop", "open_drop")  # a drop with a claim limit (claimed alone) and one without (crowds share turns)


class Recorder:
    """The store's database, remembering each statement's text and its first parameters."""

    def __init__(self, inner: Database) -> None:
        self.inner = inner
        self.seen: dict[str, Sequence[Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _note(self, sql: str, params: Sequence[Any]) -> None:
        self.seen.setdefault(sql, list(params))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._note(sql, params)
        return await self.inner.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self._note(sql, rows[0])
        await self.inner.executemany(sql, rows)

    async def send(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._note(sql, params)
        await self.inner.send(sql, params)

    async def queue(self, sql: str, params: Sequence[Any] = (), *, once: bool = False) -> None:
        self._note(sql, params)
        await self.inner.queue(sql, params, once=once)

    async def queue_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self._note(sql, rows[0])
        await self.inner.queue_many(sql, rows)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._note(sql, params)
        return await self.inner.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else next(iter(row.values()))


async def history(store: Store, rows: int) -> None:
    """Earlier payouts, seen keys and stats: of this server last month and of two sibling servers now."""
    db = store.db
    now = store.clock.now()
    async with store.transaction():  # one commit: row by row each insert would be its own fsync
        for server in HISTORY_SERVERS:
            await db.execute(
                "INSERT INTO discord_server_configs (server_id, brand_id, server_name) VALUES (?, ?, ?)",
                [server, "brand_a", f"Server {server}"],
            )
        ledger, seen = [], []
        for i in range(rows):
            server = ("1001", *HISTORY_SERVERS)[i % 3]
            when = now - timedelta(days=40 if server == "1001" else i % 30, seconds=i)
            ledger.append(
                (f"00000000-0000-4000-8000-{i:012d}", "brand_a", server, f"8100000000{i % 500:08d}", "gm_checkin", 5,
                 f"h{i}:gm_checkin", None, False, {"rule_id": "x"}, when)
            )  # fmt: skip
            seen.append(("brand_a", server, f"m:h{i}", (when - timedelta(days=1)).date()))
        await db.executemany(
            "INSERT INTO loyalteez_reward_ledger (id, brand_id, server_id, discord_user_id, event_type, amount, "
            "idempotency_key, channel_id, is_test, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ledger,
        )
        await db.executemany(
            "INSERT INTO loyalteez_seen_events (brand_id, server_id, event_key, seen_on) VALUES (?, ?, ?, ?)", seen
        )
        await db.executemany(
            "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, ltz_earned) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [("brand_a", s, f"8100000000{m:08d}", 3, 15) for s in ("1001", *HISTORY_SERVERS) for m in range(500)],
        )
        # Last month's payouts filed, as the filing job leaves them: member reads search both halves.
        await store.scoped(Scope("brand_a", "1001")).ledger.file(now - timedelta(days=30), rows)
    if db.dialect == "postgresql":
        await db.execute("ANALYZE")


async def reward_path(store: Store) -> dict[str, Sequence[Any]]:
    """Run the hot statements once with realistic config and history; returns text -> parameters."""
    data = await connected(store)
    await create_event(data, "1", "keyword_ping", EventOptions(reward=5, trigger="keyword", keywords=["ltz"]))
    await create_event(data, "1", "bonus_drop", EventOptions(reward=20, trigger="none", max_total_claims=100))
    await create_event(data, "1", "open_drop", EventOptions(reward=3, trigger="drop"))  # no claim limit
    await set_role_bonus(data, "1", BOOSTER, "multiplier", 1.5)
    await store.update_brand("brand_a", {"ltz_budget": 1_000_000})
    await history(store, 6000)
    recorder = Recorder(store.db)
    store.db = recorder  # type: ignore[assignment]  # every scope opened from now on runs through it
    rewards = Rewards(store)
    message = Messages(store)
    texts = ["gm", "good night all", "ltz to the moon " * 3, " ".join(["quality words here"] * 12), "lol"]
    for round_ in range(3):
        for i, member in enumerate((ALICE, BOB, CAROL)):
            rewards.submit(data.scope, message(texts[(i + round_) % len(texts)], author=member, roles=(BOOSTER,)))
    await rewards.writer.flush()
    await rewards.claim(data.scope, ClaimRequest("i1", Member(ALICE), "bonus_drop"))
    await rewards.join(data.scope, ClaimRequest("i2", Member(BOB), "welcome"))
    drops = Drops(store, store.clock, rewards)
    capped, crowded = [await new_drop(drops, data, f"55500000000000010{n}", event=e) for n, e in enumerate(EVENTS)]
    await drops.claim(data.scope, capped, Member(ALICE))
    await asyncio.gather(*(drops.claim(data.scope, crowded, Member(m)) for m in (ALICE, BOB, CAROL, ALICE)))
    await rewards.close()
    store.db = recorder.inner  # type: ignore[assignment]
    return recorder.seen


async def plan_of(db: Database, sql: str, params: Sequence[Any]) -> list[str]:
    if db.dialect == "sqlite":
        return [r["detail"] for r in await db.fetch_all("EXPLAIN QUERY PLAN " + sql, params)]
    # PostgreSQL plans by cost, and on test-sized tables a sequential scan is cheapest: asking it to avoid
    # one shows whether an index can serve the statement at all, which is what history will need.
    async with db.transaction():
        await db.execute("SET LOCAL enable_seqscan = off")
        return [r["QUERY PLAN"] for r in await db.fetch_all("EXPLAIN " + sql, params)]


def growing_scans(dialect: str, lines: Sequence[str]) -> list[str]:
    """The plan lines that read a growing table whole, or by its scope columns alone."""
    bad = []
    for line in lines:
        if dialect == "sqlite":
            found = re.match(r"\s*(SCAN|SEARCH) (\w+)(?: AS \w+)?(?: USING .*?\((.*)\))?", line)
            if found is None or found.group(2) not in GROWING:
                continue
            columns = {
                c.split("=")[0].split(">")[0].split("<")[0].strip() for c in (found.group(3) or "").split(" AND ")
            }
            if found.group(1) == "SCAN" or columns <= SCOPE_ONLY:
                bad.append(line.strip())
        else:
            found = re.search(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan) on (\w+)", line)
            if found is not None and found.group(2) in GROWING and found.group(1) == "Seq Scan":
                bad.append(line.strip())
    return bad


async def test_no_hot_statement_reads_a_growing_table_whole(store: Store) -> None:
    seen = await reward_path(store)
    ledger_reads = [s for s in seen if "FROM loyalteez_reward_ledger" in s or "JOIN loyalteez_reward_ledger" in s]
    assert ledger_reads, "the reward path read no ledger rows: the recorder saw nothing"
    problems = {}
    for sql, params in seen.items():
        if sql in ALLOWED or not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            continue
        bad = growing_scans(store.db.dialect, await plan_of(store.db, sql, params))
        if bad:
            problems[sql] = bad
    assert not problems, "\n\n".join(f"{sql}\n  -> {bad}" for sql, bad in problems.items())


async def test_the_paid_keys_lookup_uses_the_unique_key_on_a_big_ledger(store: Store) -> None:
    """The lookup that dedupes payouts goes by the (server, idempotency key) index, whatever the key count."""
    data = await connected(store)
    await history(store, 3000)
    keys = [f"h{i}:gm_checkin" for i in range(0, 120, 3)] + ["new:gm_checkin"]
    recorder = Recorder(store.db)
    store.db = recorder  # type: ignore[assignment]
    found = await store.scoped(data.scope).ledger.paid_keys(keys)
    store.db = recorder.inner  # type: ignore[assignment]
    assert found == set(keys[:-1])
    for sql, params in recorder.seen.items():
        lines = await plan_of(store.db, sql, params)
        assert not growing_scans(store.db.dialect, lines), lines
