"""supabase/bot_role.sql: the bot's role has what the store needs and nothing more.

A database of its own (stub, schema, policies, bot role, two brands); the bot's store connects as
loyalteez_bot, exactly as LOYALTEEZ_DATABASE_URL would make it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.access import audit, brands
from loyalteez.store import DatabaseError, Scope, Store
from loyalteez.store.schema import latest_version
from tests.postgres.helpers import (
    ALL_TABLES,
    HISTORY_TABLES,
    SEEDED,
    A,
    B,
    module_database,
    prepare_supabase_like,
)
from tests.store.raw import tables

BOT = "loyalteez_bot"
EXPECTED_RIGHTS = {
    "loyalteez_schema_version": {"SELECT"},
    "loyalteez_brands": {"SELECT", "INSERT", "UPDATE"},
    "loyalteez_api_tokens": {"SELECT", "INSERT", "UPDATE"},  # revoked, never deleted
    **{t: {"SELECT", "INSERT"} for t in HISTORY_TABLES},
}
ALL_RIGHTS = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}


@pytest.fixture(scope="module")
def owner_url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as url:
        yield url


def as_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


@pytest.fixture
async def bot_store(owner_url: str) -> AsyncIterator[Store]:
    store = await Store.open(as_user(owner_url, BOT), ManualClock())
    try:
        yield store
    finally:
        await store.close()


async def test_the_role_is_plain_and_owns_nothing(owner_url: str) -> None:
    conn = await asyncpg.connect(owner_url)
    try:
        role = await conn.fetchrow("SELECT * FROM pg_roles WHERE rolname = $1", BOT)
        assert role["rolcanlogin"]
        for power in ("rolsuper", "rolbypassrls", "rolcreatedb", "rolcreaterole", "rolreplication", "rolinherit"):
            assert not role[power], f"{BOT} must not have {power}"
        assert await conn.fetchval("SELECT count(*) FROM pg_class WHERE relowner = $1::regrole", BOT) == 0
        assert await conn.fetchval("SELECT count(*) FROM pg_auth_members WHERE member = $1::regrole", BOT) == 0
        assert not await conn.fetchval("SELECT has_schema_privilege($1, 'public', 'CREATE')", BOT)
        for table in ALL_TABLES:
            have = {
                right
                for right in ALL_RIGHTS
                if await conn.fetchval("SELECT has_table_privilege($1, $2, $3)", BOT, table, right)
            }
            assert have == EXPECTED_RIGHTS.get(table, {"SELECT", "INSERT", "UPDATE", "DELETE"}), table
            commands = {
                r["cmd"]
                for r in await conn.fetch(
                    "SELECT cmd FROM pg_policies WHERE tablename = $1 AND $2 = ANY(roles)", table, BOT
                )
            }
            assert commands == have, f"{table}: a granted command without a policy sees nothing (or vice versa)"
    finally:
        await conn.close()


async def test_the_bot_runs_the_store_as_itself(bot_store: Store) -> None:
    assert await bot_store.db.fetch_value("SELECT current_user") == BOT
    assert {b["brand_id"] for b in await bot_store.list_brands()} == {A, B}, "operator commands work"
    made = await brands.create_brand(bot_store, "Bot Made")
    scope = Scope(made.brand_id, "301")
    data = bot_store.scoped(scope)
    await data.server.link("New server")
    await tables(data).insert("discord_user_stats", {"discord_user_id": "7", "messages_count": 1})
    await tables(data).update("discord_user_stats", {"discord_user_id": "7"}, {"messages_count": 2})
    await audit.record(data, actor_type="admin", actor_id="1", action="test")
    assert (await tables(data).get("discord_user_stats", {"discord_user_id": "7"}))["messages_count"] == 2
    assert await data.server.unlink() == {"discord_user_stats": 1, "discord_user_streaks": 0}
    assert await tables(data).count("discord_audit_log") == 1
    # Not held by the tenant policies: it serves every brand; its own scoping keeps them apart.
    for brand, servers in SEEDED.items():
        assert await tables(bot_store.scoped(Scope(brand, servers[0]))).count("discord_user_stats") == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE discord_audit_log SET action = 'rewritten'",
        "DELETE FROM discord_audit_log",
        "UPDATE loyalteez_reward_ledger SET amount = amount * 10",
        "DELETE FROM loyalteez_reward_ledger",
        "TRUNCATE discord_user_stats",
        "DELETE FROM loyalteez_brands",
        "INSERT INTO loyalteez_schema_version (version) VALUES (99)",
        "CREATE TABLE loyalteez_extra (id TEXT)",
        "ALTER TABLE discord_user_stats DISABLE ROW LEVEL SECURITY",
        "DROP TABLE discord_user_streaks",
        "SET ROLE authenticated",
    ],
    ids=[
        "audit-update",
        "audit-delete",
        "ledger-update",
        "ledger-delete",
        "truncate",
        "brand-delete",
        "version-insert",
        "create-table",
        "disable-rls",
        "drop-table",
        "become-another-role",
    ],
)
async def test_the_bot_cannot(bot_store: Store, sql: str) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await bot_store.db.execute(sql)


async def test_an_upgrade_as_the_bot_is_refused_in_one_sentence(owner_url: str) -> None:
    owner = await asyncpg.connect(owner_url)
    try:
        await owner.execute("UPDATE loyalteez_schema_version SET version = $1", latest_version() - 1)
        with pytest.raises(DatabaseError, match=f"role {BOT} may not change the schema.*owner's URL"):
            await Store.open(as_user(owner_url, BOT), ManualClock())
        assert await owner.fetchval("SELECT MAX(version) FROM loyalteez_schema_version") == latest_version() - 1
    finally:
        await owner.execute("UPDATE loyalteez_schema_version SET version = $1", latest_version())
        await owner.close()
