"""The transaction-mode pooler tests run through is a real one, and what the store keeps per connection
survives it: prepared statements are off behind it, the instance lock is freed when its holder goes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import asyncpg
import pytest

from loyalteez.store import Store
from loyalteez.store.instance_lock import LockHeld, hold
from loyalteez.store.pg_connect import behind_pooler, split_options
from loyalteez.testing import pgbouncer
from loyalteez.testing.pgbouncer import PgBouncer
from tests.conftest import PG_DSN, PG_VIA, pg_skip_unless_up


@pytest.fixture(scope="module")
def bouncer() -> Iterator[PgBouncer]:
    if pgbouncer.binary() is None:
        print("SKIP pooler: pgbouncer is not installed (Debian: apt-get install pgbouncer)")
        pytest.skip("pgbouncer is not installed")
    started = PgBouncer(PG_DSN, pool_size=3).start()
    yield started
    started.stop()


def _plain(url: str) -> str:
    return split_options(url)[0]


async def test_two_clients_share_one_server_connection_between_transactions(bouncer: PgBouncer) -> None:
    """What makes session state unsafe: a server connection left idle by one client serves the next one."""
    await pg_skip_unless_up()
    url = _plain(bouncer.url("test"))
    one, two = [await asyncpg.connect(url, statement_cache_size=0) for _ in range(2)]
    try:
        assert await one.fetchval("SELECT pg_backend_pid()") == await two.fetchval("SELECT pg_backend_pid()")
    finally:
        await asyncio.gather(one.close(), two.close())


async def test_the_store_runs_through_the_pooler_with_the_url_it_hands_out(bouncer: PgBouncer) -> None:
    await pg_skip_unless_up()
    schema = f"lt_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_DSN)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        store = await Store.open(await bouncer.add_database(schema, "test", schema=schema))
        try:
            assert store.db.trips_per_statement == 2  # asyncpg prepares every statement again: no cache
            await store.insert_brand({"brand_id": "b1", "name": "Pooled", "key_salt": "00", "key_hash": "x"})
            with pytest.raises(RuntimeError):
                async with store.transaction():
                    await store.update_brand("b1", {"name": "Renamed"})
                    raise RuntimeError("roll it back")
            assert (await store.get_brand("b1"))["name"] == "Pooled"
            await asyncio.gather(*(store.get_brand("b1") for _ in range(20)))  # more clients than servers
        finally:
            await store.close()
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


async def test_the_instance_lock_taken_through_the_pooler_holds_and_is_freed_when_released(bouncer: PgBouncer) -> None:
    """A session lock sits on a pooled server connection: the next client given that connection "takes" it too."""
    await pg_skip_unless_up()
    url, name = bouncer.url("test"), f"probe-{uuid.uuid4().hex}"  # a lock of its own in the shared database
    lock = await hold(url, "bot.py run", name)
    with pytest.raises(LockHeld):
        await hold(url, "bot.py run", name)
    await lock.release()
    again = await hold(url, "bot.py run", name)
    await again.release()


def test_pooler_ports_turn_prepared_statements_off() -> None:
    assert behind_pooler("postgresql://u:p@aws-0-eu.pooler.supabase.com:6543/postgres")
    assert behind_pooler("postgresql://u@127.0.0.1:6432/db")
    assert not behind_pooler("postgresql://u@db.ref.supabase.co:5432/postgres")
    assert split_options("postgresql://u@h:6543/db")[1]["statement_cache_size"] == 0
    assert split_options("postgresql://u@h:6543/db?statement_cache_size=50")[1]["statement_cache_size"] == 50
    assert "statement_cache_size" not in split_options("postgresql://u@h:5432/db")[1]


@pytest.mark.skipif(PG_VIA != "pgbouncer", reason="only when the suite runs through the pooler")
async def test_the_store_fixture_goes_through_the_pooler_when_asked(store: Store) -> None:
    if store.db.dialect != "postgresql":
        pytest.skip("the pooler is for PostgreSQL")
    assert store.db.trips_per_statement == 2  # the pooler's URL turned asyncpg's statement cache off
    assert "5432" not in store.db.url  # type: ignore[attr-defined]
