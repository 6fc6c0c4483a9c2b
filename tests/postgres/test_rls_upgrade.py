"""The RLS matrix across upgrades: a version-3 database with the policies of its day, upgraded migration by
migration through the bot's own upgrade step, never lets `anon` reach a row, and ends fully policed."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Store
from loyalteez.store.policies import schema_tables
from loyalteez.store.postgres_db import PostgresDatabase
from loyalteez.store.schema import _table_guard, apply_migration, latest_version, migrations
from tests.conftest import REPORT
from tests.postgres.helpers import connect, module_database
from tests.postgres.upgrade_helpers import fill_every_table, old_database_with_policies, what_anon_reaches

FROM_VERSION = 3


@pytest.fixture
def v3_url() -> Iterator[str]:
    async def prepare(url: str) -> None:
        await old_database_with_policies(url, FROM_VERSION)

    with module_database(prepare) as url:
        yield url


async def test_anon_reaches_nothing_at_any_step_of_an_upgrade(v3_url: str) -> None:
    assert await what_anon_reaches(v3_url) == {}, "the starting point is policed"
    steps = 0
    for migration in migrations()[FROM_VERSION:]:
        db = await PostgresDatabase.open(v3_url)
        try:
            async with db.transaction():
                await apply_migration(db, migration, await _table_guard(db))
        finally:
            await db.close()
        conn = await connect(v3_url)
        try:
            await fill_every_table(conn)  # rows in the tables this step created
        finally:
            await conn.close()
        assert await what_anon_reaches(v3_url) == {}, f"after migration {migration.version}"
        steps += 1
    assert steps == latest_version() - FROM_VERSION
    store = await Store.open(v3_url, ManualClock())  # the start-up check agrees: nothing is unprotected
    await store.close()
    conn = await asyncpg.connect(v3_url)
    try:
        policies = await conn.fetch("SELECT tablename, cmd FROM pg_policies WHERE roles::text[] = '{authenticated}'")
    finally:
        await conn.close()
    got: dict[str, set[str]] = {}
    for p in policies:
        got.setdefault(p["tablename"], set()).add(p["cmd"])
    wanted = {
        t.name: {"SELECT", "INSERT", "UPDATE", "DELETE"} if t.kind == "tenant" else {"SELECT", "INSERT"}
        for t in schema_tables().values()
        if t.kind != "private"
    }
    assert got == wanted, "every table created by the upgrade has its policies"
    REPORT["RLS upgrade"] = (
        f"v{FROM_VERSION} -> v{latest_version()}: {steps} migrations, anon reached 0 rows in "
        f"{len(schema_tables())} tables after every step"
    )
