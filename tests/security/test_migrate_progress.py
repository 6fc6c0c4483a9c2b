"""`bot.py migrate` never stores a password, and its progress table is as closed to the API as every table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.maintenance.migrate import migrate
from loyalteez.store import Store
from loyalteez.store.copy import PROGRESS_TABLE
from tests.conftest import linked, pg_schema
from tests.postgres.helpers import connect, module_database, prepare_supabase_like

SECRET = "hunter2-secret"


class Interrupted(Exception):
    pass


def stop_after_first_table(line: str) -> None:
    if "rows" in line:
        raise Interrupted  # like Ctrl-C once the first table is copied: the progress table stays


@pytest.mark.parametrize(
    "with_password",
    [
        lambda url: url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@"),
        lambda url: url.replace("postgresql://postgres@", "postgresql://postgres:hunter2%40secret@"),
        lambda url: f"{url}&password={SECRET}",
    ],
    ids=["userinfo", "percent-encoded", "query"],
)
async def test_an_interrupted_copy_stores_no_password(tmp_path: Path, with_password) -> None:
    async with pg_schema() as url:
        store = await Store.open(url, ManualClock())
        try:
            await linked(store, "brand_m", "4242")
        finally:
            await store.close()
        target = tmp_path / "copy.db"
        with pytest.raises(Interrupted):
            await migrate(with_password(url), f"sqlite:///{target}", say=stop_after_first_table, batch=1)
    conn = sqlite3.connect(target)
    try:
        stored = [r[0] for r in conn.execute(f"SELECT source FROM {PROGRESS_TABLE}")]
    finally:
        conn.close()
    assert stored and all("127.0.0.1" in s for s in stored)
    assert not any("hunter2" in s for s in stored), stored


@pytest.fixture
def policed_url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as url:
        yield url


async def test_the_progress_table_is_closed_to_the_api(tmp_path: Path, policed_url: str) -> None:
    source = tmp_path / "source.db"
    store = await Store.open(str(source), ManualClock())
    try:
        await linked(store, "brand_m", "4242")
    finally:
        await store.close()
    with pytest.raises(Interrupted):
        await migrate(f"sqlite:///{source}", policed_url, force=True, say=stop_after_first_table, batch=1)
    conn = await connect(policed_url)
    try:
        flags = await conn.fetchrow(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass", PROGRESS_TABLE
        )
        assert flags["relrowsecurity"] and flags["relforcerowsecurity"]
        assert await conn.fetchval(f"SELECT count(*) FROM {PROGRESS_TABLE}") > 0
        for role in ("anon", "authenticated"):
            async with conn.transaction():
                await conn.execute(f"SET LOCAL ROLE {role}")
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.fetchval(f"SELECT count(*) FROM {PROGRESS_TABLE}")
        tx = conn.transaction()
        await tx.start()
        await conn.execute(f"GRANT SELECT ON {PROGRESS_TABLE} TO anon")  # a stray grant still shows nothing
        await conn.execute("SET LOCAL ROLE anon")
        assert await conn.fetchval(f"SELECT count(*) FROM {PROGRESS_TABLE}") == 0
        await tx.rollback()
    finally:
        await conn.close()
