"""tests/store/test_migrations.py on PostgreSQL: a version-1 database upgrades in place; a newer one is refused."""

from __future__ import annotations

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import SchemaVersionError, Store
from loyalteez.store.schema import SCHEMA_FILE, latest_version, migrations
from tests.conftest import pg_schema


async def structure(url: str) -> dict[str, object]:
    """Columns (type, nullability, default), constraints and indexes of the URL's schema, schema name removed."""
    conn = await asyncpg.connect(url)
    try:
        schema = await conn.fetchval("SELECT current_schema()")
        shape: dict[str, object] = {}
        for r in await conn.fetch(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = $1",
            schema,
        ):
            shape[f"column {r['table_name']}.{r['column_name']}"] = (
                r["data_type"],
                r["is_nullable"],
                r["column_default"],
            )
        for r in await conn.fetch(
            "SELECT c.conrelid::regclass::text AS tbl, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1",
            schema,
        ):
            shape.setdefault(f"constraints {r['tbl']}", set()).add(r["def"])  # type: ignore[union-attr]
        for r in await conn.fetch("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1", schema):
            shape[f"index {r['indexname']}"] = r["indexdef"].replace(f"{schema}.", "")
        return shape
    finally:
        await conn.close()


async def run_files(url: str, upto: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        for migration in migrations()[:upto]:
            await conn.execute(migration.sql())
    finally:
        await conn.close()


async def test_baseline_plus_every_migration_is_exactly_schema_sql() -> None:
    async with pg_schema() as migrated, pg_schema() as fresh:
        await run_files(migrated, latest_version())
        conn = await asyncpg.connect(fresh)
        await conn.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
        await conn.close()
        assert await structure(migrated) == await structure(fresh)


async def test_a_version_1_database_is_upgraded_in_place() -> None:
    async with pg_schema() as url, pg_schema() as fresh:
        await run_files(url, 1)
        conn = await asyncpg.connect(url)
        await conn.execute(
            "INSERT INTO discord_server_configs (server_id, brand_id, server_name) VALUES ('42', 'b1', 'Old')"
        )
        await conn.execute(
            "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, ltz_earned) "
            "VALUES ('b1', '42', '7', 120)"
        )
        await conn.close()

        store = await Store.open(url, ManualClock())
        try:
            assert store.schema_found == 1
            assert await store.db.fetch_value("SELECT MAX(version) FROM loyalteez_schema_version") == latest_version()
            assert "loyalteez_reward_ledger" in await store.db.table_names()
            row = await store.db.fetch_one("SELECT ltz_earned FROM discord_user_stats WHERE discord_user_id = '7'")
            assert row == {"ltz_earned": 120}, "data written by version 1 survives the upgrade"
        finally:
            await store.close()
        await (await Store.open(fresh, ManualClock())).close()
        assert await structure(url) == await structure(fresh)


async def test_a_database_from_a_newer_bot_is_refused_untouched() -> None:
    async with pg_schema() as url:
        await (await Store.open(url, ManualClock())).close()
        conn = await asyncpg.connect(url)
        await conn.execute("INSERT INTO loyalteez_schema_version (version) VALUES ($1)", latest_version() + 5)
        await conn.close()
        before = await structure(url)
        with pytest.raises(SchemaVersionError, match="newer release"):
            await Store.open(url, ManualClock())
        assert await structure(url) == before


async def test_a_failing_migration_leaves_the_database_as_it_was() -> None:
    """The whole upgrade is one transaction on PostgreSQL too (DDL is transactional there)."""
    async with pg_schema() as url:
        await run_files(url, 1)
        conn = await asyncpg.connect(url)
        # A stray table of the same name: migration 2 skips creating it, then fails indexing its columns.
        await conn.execute("CREATE TABLE loyalteez_reward_ledger (x INTEGER)")
        before = await structure(url)
        await conn.close()
        with pytest.raises(asyncpg.PostgresError):
            await Store.open(url, ManualClock())
        assert await structure(url) == before
