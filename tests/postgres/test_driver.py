"""The PostgreSQL driver keeps the SQLite driver's contract: same SQL in, same Python rows out.

Tests taking `store` run on both engines (tests/conftest.py); `pair` opens one of each side by side.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import DatabaseError, Store
from loyalteez.store.pg_codecs import to_dollar
from loyalteez.store.postgres_db import PostgresDatabase
from tests.conftest import linked, pg_schema, pg_skip_unless_up, pg_url
from tests.store.raw import tables
from tests.store.sample_rows import uid


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    lite = await Store.open(str(tmp_path / "pair.db"), ManualClock())
    async with pg_schema() as url:
        pg = await Store.open(url, ManualClock())
        try:
            yield lite, pg
        finally:
            await pg.close()
            await lite.close()


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t WHERE a = ? AND b IN (?, ?)", "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)"),
        ("SELECT '?', \"we?rd\", ? -- why?\n", "SELECT '?', \"we?rd\", $1 -- why?\n"),
        ("SELECT 'it''s ?' || ?, /* ? */ ?", "SELECT 'it''s ?' || $1, /* ? */ $2"),
        ("SELECT $$ ? $$, $x$ ? $x$, ?", "SELECT $$ ? $$, $x$ ? $x$, $1"),
        ("UPDATE t SET a = ?\nWHERE b = ?", "UPDATE t SET a = $1\nWHERE b = $2"),
    ],
    ids=["plain", "quotes-comment", "escaped-block", "dollar-quoted", "multiline"],
)
def test_placeholders_are_rewritten_outside_literals_only(sql: str, expected: str) -> None:
    assert to_dollar(sql) == expected


async def test_catalog_is_engine_neutral(pair: tuple[Store, Store]) -> None:
    lite, pg = pair
    assert await lite.db.table_names() == await pg.db.table_names()
    for table in await lite.db.table_names():
        assert await pg.db.table_columns(table) == await lite.db.table_columns(table), table
    assert lite.catalog.tables == pg.catalog.tables
    assert pg.db.dialect == "postgresql" and lite.db.dialect == "sqlite"


async def test_rows_come_back_as_the_same_python_values(pair: tuple[Store, Store]) -> None:
    when = datetime(2026, 3, 2, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    rows = {}
    for store in pair:
        scope = await linked(store, "brand_a", "101")
        data = store.scoped(scope)
        await tables(data).insert(
            "discord_audit_log",
            {
                "id": uid("a1"),
                "actor_type": "admin",
                "actor_id": "1",
                "action": "typed",
                "details": {"nested": [1, 2.5, "ünï", None, True], "n": {"k": "v"}},
                "is_test": True,
                "created_at": when,
            },
        )
        await tables(data).insert(
            "discord_role_configs",
            {"id": uid("r1"), "discord_role_id": "9", "effect_type": "flat_bonus", "effect_value": Decimal("2.50")},
        )
        await tables(data).insert(
            "discord_role_configs",
            {"id": uid("r2"), "discord_role_id": "9", "effect_type": "multiplier", "effect_value": 10},
        )
        await tables(data).insert(
            "discord_kpi_snapshots", {"id": uid("s1"), "snapshot_date": date(2026, 2, 28), "metrics": [1, {"a": 0.1}]}
        )
        await tables(data).insert("discord_user_stats", {"discord_user_id": "123456789012345678", "ltz_earned": 2**62})
        rows[store.db.dialect] = {
            "audit": await tables(data).select("discord_audit_log"),
            "roles": await tables(data).select("discord_role_configs", order_by=["effect_type"]),
            "snapshots": await tables(data).select("discord_kpi_snapshots"),
            "stats": await tables(data).select("discord_user_stats"),
            "sum": await store.db.fetch_value("SELECT SUM(ltz_earned) FROM discord_user_stats"),
            "count": await store.db.fetch_value("SELECT COUNT(*) FROM discord_role_configs"),
        }
    lite, pg = rows["sqlite"], rows["postgresql"]
    assert pg == lite
    audit = pg["audit"][0]
    assert audit["created_at"] == when and audit["created_at"].tzinfo == UTC
    assert audit["id"] == uid("a1") and isinstance(audit["id"], str)
    assert audit["is_test"] is True and audit["details"]["nested"][2] == "ünï"
    assert [r["effect_value"] for r in pg["roles"]] == [2.5, 10] and isinstance(pg["roles"][1]["effect_value"], int)
    assert pg["snapshots"][0]["snapshot_date"] == date(2026, 2, 28)
    assert pg["stats"][0]["ltz_earned"] == 2**62 and pg["sum"] == 2**62 and pg["count"] == 2


async def test_rowcounts_match(store: Store) -> None:
    scope = await linked(store, "brand_a", "101")
    db = store.db
    sql = (
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    )
    assert await db.execute(sql, [scope.brand_id, scope.server_id, "1"]) == 1
    assert await db.execute(sql, [scope.brand_id, scope.server_id, "1"]) == 0
    await db.executemany(sql, [[scope.brand_id, scope.server_id, str(n)] for n in range(2, 6)])
    assert await db.execute("UPDATE discord_user_stats SET messages_count = messages_count + 1") == 5
    assert await db.execute("DELETE FROM discord_user_stats WHERE discord_user_id IN (?, ?)", ["1", "2"]) == 2


async def test_naive_datetimes_are_refused_on_both(store: Store) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        await store.db.execute("UPDATE loyalteez_schema_version SET applied_at = ?", [datetime(2026, 1, 1)])


async def test_nested_transactions_commit_or_roll_back_as_one(store: Store) -> None:
    await linked(store, "brand_a", "101")
    insert = "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id) VALUES ('brand_a', '101', ?)"
    with pytest.raises(RuntimeError):
        async with store.db.transaction():
            await store.db.execute(insert, ["1"])
            async with store.db.transaction():  # joins the outer one
                await store.db.execute(insert, ["2"])
            raise RuntimeError("after the inner block closed")
    assert await store.db.fetch_value("SELECT COUNT(*) FROM discord_user_stats") == 0
    async with store.db.transaction(), store.db.transaction():
        await store.db.execute(insert, ["3"])
    assert await store.db.fetch_value("SELECT COUNT(*) FROM discord_user_stats") == 1


async def test_concurrent_tasks_get_their_own_transactions(store: Store) -> None:
    await linked(store, "brand_a", "101")
    insert = "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id) VALUES ('brand_a', '101', ?)"

    async def writer(user: str, fail: bool) -> None:
        async with store.db.transaction():
            await store.db.execute(insert, [user])
            await asyncio.sleep(0.01)
            if fail:
                raise RuntimeError("roll me back")

    results = await asyncio.gather(*(writer(str(n), n % 2 == 1) for n in range(6)), return_exceptions=True)
    assert sum(isinstance(r, RuntimeError) for r in results) == 3
    users = await store.db.fetch_all("SELECT discord_user_id FROM discord_user_stats ORDER BY discord_user_id")
    assert [r["discord_user_id"] for r in users] == ["0", "2", "4"]


# -- PostgreSQL only: retries, errors --------------------------------------------------------------------------


@pytest.fixture
async def pg() -> AsyncIterator[PostgresDatabase]:
    async with pg_schema() as url:
        db = await PostgresDatabase.open(url)
        await db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        await db.executemany("INSERT INTO counter VALUES (?, 0)", [[1], [2]])
        try:
            yield db
        finally:
            await db.close()


async def _conflicting_increments(db: PostgresDatabase, workers: int, retry: bool) -> tuple[list, int]:
    """Every worker reads, waits until all have read, then writes: a guaranteed serialization conflict."""
    calls, read = 0, 0
    everyone_read = asyncio.Event()

    async def body() -> None:
        nonlocal calls, read
        calls += 1
        n = await db.fetch_value("SELECT n FROM counter WHERE id = 1")
        if not everyone_read.is_set():
            read += 1
            if read == workers:
                everyone_read.set()
            await asyncio.wait_for(everyone_read.wait(), 5)
        await db.execute("UPDATE counter SET n = ? WHERE id = 1", [n + 1])

    async def plain() -> None:
        async with db.transaction(isolation="serializable"):
            await body()

    work = (lambda: db.atomic(body, isolation="serializable")) if retry else plain
    results = await asyncio.gather(*(work() for _ in range(workers)), return_exceptions=True)
    return results, calls


async def test_atomic_reruns_a_transaction_after_a_serialization_failure(pg: PostgresDatabase) -> None:
    results, calls = await _conflicting_increments(pg, workers=4, retry=True)
    assert results == [None] * 4
    assert await pg.fetch_value("SELECT n FROM counter WHERE id = 1") == 4, "no increment lost"
    assert calls > 4, "some transaction was re-run"


async def test_a_transaction_block_cannot_retry_and_says_so(pg: PostgresDatabase) -> None:
    results, _ = await _conflicting_increments(pg, workers=3, retry=False)
    failures = [r for r in results if isinstance(r, asyncpg.SerializationError)]
    assert failures and await pg.fetch_value("SELECT n FROM counter WHERE id = 1") == 3 - len(failures)


async def test_atomic_reruns_a_transaction_chosen_as_deadlock_victim(pg: PostgresDatabase) -> None:
    calls = 0
    both_locked = asyncio.Barrier(2)

    async def transfer(first: int, second: int) -> None:
        nonlocal calls
        calls += 1
        await pg.execute("SET LOCAL deadlock_timeout = '50ms'")
        await pg.execute("UPDATE counter SET n = n + 1 WHERE id = ?", [first])
        if calls <= 2:
            await asyncio.wait_for(both_locked.wait(), 5)
        await pg.execute("UPDATE counter SET n = n + 1 WHERE id = ?", [second])

    await asyncio.gather(pg.atomic(lambda: transfer(1, 2)), pg.atomic(lambda: transfer(2, 1)))
    assert calls == 3, "exactly one victim, run again"
    assert await pg.fetch_all("SELECT n FROM counter ORDER BY id") == [{"n": 2}, {"n": 2}]


def _with_login(user: str, password: str) -> str:
    parts = urlsplit(pg_url())
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.netloc.rsplit('@', 1)[-1]}"))


@pytest.mark.parametrize(
    ("url", "says", "needs_server"),
    [
        (
            "postgresql://bot:s3cret@127.0.0.1:1/loyalteez",
            "cannot connect to PostgreSQL at postgresql://bot:***@127.0.0.1:1/loyalteez: connection refused",
            False,
        ),
        (pg_url("lt_no_such_database"), 'database "lt_no_such_database" does not exist', True),
        (_with_login("lt_nobody", "s3cret"), 'role "lt_nobody" does not exist', True),
        ("postgresql://u:s3cret@[broken/db", "cannot connect to PostgreSQL", False),
        ("mysql://root:s3cret@localhost/loyalteez", "unsupported database URL scheme 'mysql'", False),
    ],
    ids=["refused", "no-database", "no-role", "malformed", "wrong-scheme"],
)
async def test_bad_urls_fail_with_one_clear_sentence(url: str, says: str, needs_server: bool) -> None:
    if needs_server:
        await pg_skip_unless_up()
    with pytest.raises(DatabaseError) as caught:
        await Store.open(url, ManualClock())
    message = str(caught.value)
    assert says in message and "\n" not in message
    assert "s3cret" not in message, "passwords never reach messages"


async def test_url_options_reach_the_pool_not_the_server() -> None:
    """statement_cache_size=0 (for transaction-mode poolers) and the pool size ride in the URL."""
    async with pg_schema() as url:
        db = await PostgresDatabase.open(url + "&statement_cache_size=0&pool_max_size=2")
        try:
            assert db._pool.get_max_size() == 2
            values = await asyncio.gather(*(db.fetch_value("SELECT ?::int + 1", [n]) for n in range(6)))
            assert values == [n + 1 for n in range(6)]
            assert await db.fetch_value("SELECT current_setting('application_name')") == "loyalteez-bot"
        finally:
            await db.close()


async def test_scoped_filters_with_is_work_on_both_engines(store: Store) -> None:
    """`("IS", value)` is null-safe equality on SQLite; the store spells it portably for PostgreSQL."""
    scope = await linked(store, "brand_a", "101")
    data = store.scoped(scope)
    for n, enabled in enumerate((True, False, None)):
        await tables(data).insert(
            "monitoring_rules", {"id": uid(f"rule-{n}"), "event_type": f"e{n}", "is_enabled": enabled}
        )

    async def events(op: str, value: object) -> list[str]:
        return sorted(
            r["event_type"] for r in await tables(data).select("monitoring_rules", {"is_enabled": (op, value)})
        )

    assert await events("IS", True) == ["e0"]
    assert await events("IS NOT", True) == ["e1", "e2"]
    assert await events("IS", None) == ["e2"]
    assert await events("IS NOT", None) == ["e0", "e1"]
