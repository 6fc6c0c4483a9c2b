"""`db info` and `doctor` on PostgreSQL (LOYALTEEZ_DATABASE_URL), run as the real bot.py against the local server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Store
from tests.postgres.helpers import ALL_TABLES, module_database, prepare_supabase_like
from tests.test_cli import run

pytestmark = pytest.mark.postgres


async def _schema_only(url: str) -> None:
    store = await Store.open(url, ManualClock())
    await store.close()


async def _nothing(url: str) -> None:
    return None


@pytest.fixture(scope="module")
def supabase_url() -> Iterator[str]:
    with module_database(prepare_supabase_like) as url:
        yield url


@pytest.fixture(scope="module")
def plain_url() -> Iterator[str]:
    with module_database(_schema_only) as url:
        yield url


@pytest.fixture(scope="module")
def empty_url() -> Iterator[str]:
    with module_database(_nothing) as url:
        yield url


def pg(url: str, *args: str):
    return run(*args, env={"LOYALTEEZ_DATABASE_URL": url, "LOYALTEEZ_DB": "/nonexistent/never.db"})


def test_db_info_reads_postgres_not_the_sqlite_file(supabase_url: str) -> None:
    result = pg(supabase_url, "db", "info")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("postgresql://postgres@127.0.0.1:5432/lt_test_") and "schema version" in first
    assert "never.db" not in result.stdout
    assert "discord_user_stats" in result.stdout
    # the seeded rows are counted: two brands in loyalteez_brands
    assert any(line.split()[:2] == ["loyalteez_brands", "2"] for line in result.stdout.splitlines())
    assert f"Row-level security: enabled and forced on all {len(ALL_TABLES)} tables" in result.stdout


def test_db_info_without_policies_says_so(plain_url: str) -> None:
    result = pg(plain_url, "db", "info")
    assert result.returncode == 0, result.stderr
    assert "Row-level security: no policies installed (supabase/policies.sql not applied)" in result.stdout


def test_db_info_on_an_empty_database_creates_nothing(empty_url: str) -> None:
    result = pg(empty_url, "db", "info")
    assert result.returncode == 0, result.stderr
    assert "no Loyalteez schema yet" in result.stdout

    async def tables() -> int:
        conn = await asyncpg.connect(empty_url)
        try:
            return int(await conn.fetchval("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"))
        finally:
            await conn.close()

    assert asyncio.run(tables()) == 0


def test_doctor_connects_and_checks_rls(supabase_url: str) -> None:
    result = pg(supabase_url, "doctor")
    line = next(x for x in result.stdout.splitlines() if "database" in x)
    assert line.startswith("ok ") and "schema version" in line and "enabled and forced on all" in line


def test_doctor_finds_a_table_whose_rls_was_switched_off(supabase_url: str) -> None:
    async def toggle(sql: str) -> None:
        conn = await asyncpg.connect(supabase_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(toggle("ALTER TABLE discord_user_stats NO FORCE ROW LEVEL SECURITY"))
    try:
        result = pg(supabase_url, "doctor")
        info = pg(supabase_url, "db", "info")
    finally:
        asyncio.run(toggle("ALTER TABLE discord_user_stats FORCE ROW LEVEL SECURITY"))
    assert result.returncode == 1
    line = next(x for x in result.stdout.splitlines() if "database" in x)
    assert line.startswith("BAD") and "not forced on discord_user_stats: run supabase/policies.sql again" in line
    assert "not forced on discord_user_stats" in info.stdout


def test_a_refused_port_is_one_sentence_and_exit_2() -> None:
    url = "postgresql://postgres@127.0.0.1:1/nothing"
    for command in (("db", "info"), ("doctor",)):
        result = pg(url, *command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert result.stderr.strip() == (
            "Error: cannot connect to PostgreSQL at postgresql://postgres@127.0.0.1:1/nothing: "
            "connection refused (is the server running, and are host and port right?)"
        ), command
        assert "Traceback" not in result.stderr
