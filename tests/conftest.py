"""Shared fixtures: a real SQLite file per test, a movable clock, linked servers, and the local PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Scope, Store
from loyalteez.testing import pgbouncer
from loyalteez.testing.pgbouncer import PgBouncer

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
SEED_DOC = SHARED / "seed" / "database-schema.txt"
PG_DSN = os.environ.get("LOYALTEEZ_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
# "pgbouncer": the store, service and end-to-end tests reach PostgreSQL through a transaction-mode PgBouncer
# (loyalteez/testing/pgbouncer.py), as a bot behind Supabase's pooler does. `make test` runs a subset so.
PG_VIA = os.environ.get("LOYALTEEZ_TEST_PG_VIA", "")

# Numbers tests want shown at the end of the run (tables, indexes, ...), printed by the summary hook.
REPORT: dict[str, str] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="also run the long variants")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="long variant: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The type check runs beside the tests when it is selected (one process: not under a worker pool)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None and any(i.name == "test_types_check" for i in session.items):
        from tests.test_style import start_type_check

        start_type_check()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """A worker finished: keep the numbers its tests reported, for the summary."""
    REPORT.update(json.loads(getattr(node, "workeroutput", {}).get("loyalteez_report", "{}")))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if REPORT:
        terminalreporter.section("loyalteez numbers")
        for key, value in sorted(REPORT.items()):
            terminalreporter.write_line(f"{key}: {value}")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Store]:
    """Every store/service test runs on both engines: a SQLite file, and a PostgreSQL schema of its own.

    PostgreSQL: a schema per test (search_path in the URL), not a database (CREATE/DROP DATABASE costs
    ~120 ms; the store only ever names tables unqualified, so a schema isolates it just as well). Loading
    schema.sql costs 70-300 ms, so a used schema is emptied (~5 ms) and handed to the next test instead,
    unless the test changed its structure (then it is dropped). See pg_store_schema.
    """
    if request.param == "sqlite":
        opened = await Store.open(str(tmp_path / "loyalteez.db"), clock)
        yield opened
        await opened.close()
        return
    async with pg_store_schema() as url:
        opened = await Store.open(url, clock)
        try:
            yield opened
        finally:
            await opened.close()


async def linked(store: Store, brand_id: str, server_id: str, name: str | None = None) -> Scope:
    """A brand row plus an active server link, the state after a successful /setup connect."""
    if await store.get_brand(brand_id) is None:
        await store.insert_brand({"brand_id": brand_id, "name": f"Brand {brand_id}", "key_salt": "00", "key_hash": "x"})
    scope = Scope(brand_id, server_id)
    await store.scoped(scope).server.link(name or f"Server {server_id}")
    return scope


# -- PostgreSQL -----------------------------------------------------------------------------------------

_pg_state: dict[str, str | None] = {}


async def _pg_reason() -> str | None:
    """None when the local server answers, else why not (printed as the skip reason)."""
    try:
        import asyncpg
    except ImportError as exc:  # pragma: no cover - asyncpg is pinned in requirements
        return f"asyncpg not installed: {exc}"
    try:
        conn = await asyncio.wait_for(asyncpg.connect(PG_DSN), 5)
    except Exception as exc:
        return f"no PostgreSQL server answers at {PG_DSN}: {type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def pg_skip_unless_up() -> None:
    """Skip (with the reason printed) only when no PostgreSQL server answers; any other problem fails."""
    if "reason" not in _pg_state:
        _pg_state["reason"] = await _pg_reason()
    if _pg_state["reason"]:
        print(f"SKIP postgres: {_pg_state['reason']}")
        pytest.skip(_pg_state["reason"])
    if PG_VIA == "pgbouncer":
        _pooler_skip_unless_installed()


# -- the pooler (LOYALTEEZ_TEST_PG_VIA=pgbouncer) --------------------------------------------------------

_pooler: dict[str, PgBouncer] = {}


def _pooler_skip_unless_installed() -> None:
    if pgbouncer.binary() is None:
        reason = "pgbouncer is not installed (Debian: apt-get install pgbouncer): pooler tests skipped"
        if not _pg_state.get("pooler_said"):
            print(f"SKIP pooler: {reason}")
            _pg_state["pooler_said"] = reason
        pytest.skip(reason)


async def _client_url(schema: str) -> str:
    """How a test reaches a schema of the PG_DSN database: straight, or through the session's PgBouncer."""
    if PG_VIA != "pgbouncer":
        return pg_url(search_path=schema, synchronous_commit="off")
    if "bouncer" not in _pooler:
        _pooler["bouncer"] = PgBouncer(PG_DSN).start()
    database = urlsplit(PG_DSN).path.lstrip("/") or "postgres"
    return await _pooler["bouncer"].add_database(schema, database, schema=schema)


def pg_url(database: str | None = None, **query: str) -> str:
    """PG_DSN pointed at another database and/or with extra query options (search_path=...)."""
    parts = urlsplit(PG_DSN)
    path = f"/{database}" if database else parts.path
    merged = dict(parse_qsl(parts.query))
    merged.update(query)
    return urlunsplit(parts._replace(path=path, query=urlencode(merged)))


def with_query(url: str, **query: str) -> str:
    """A database URL with more query options (the bot's own, like optimistic_writes, or the server's)."""
    parts = urlsplit(url)
    merged = dict(parse_qsl(parts.query))
    merged.update(query)
    return urlunsplit(parts._replace(query=urlencode(merged)))


@asynccontextmanager
async def pg_schema() -> AsyncIterator[str]:
    """A fresh, empty schema in the PG_DSN database; yields a URL whose search_path is that schema only."""
    await pg_skip_unless_up()
    import asyncpg

    name = f"lt_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_DSN)
    try:
        await admin.execute(f'CREATE SCHEMA "{name}"')
        yield await _client_url(name)
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await admin.close()


# Schemas holding the current schema.sql and no rows, ready for the next store test (dropped at the end).
_pg_ready: list[str] = []
_pg_fresh_shape: dict[str, str] = {}
_SHAPE = (
    "SELECT md5(string_agg(concat_ws(':', c.relname, c.relkind, c.relrowsecurity, a.attname, "
    "format_type(a.atttypid, a.atttypmod)), ',' ORDER BY c.relname, a.attnum)) "
    "|| (SELECT count(*) FROM pg_constraint WHERE connamespace = $1::regnamespace) "
    "FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "WHERE c.relnamespace = $1::regnamespace"
)


@asynccontextmanager
async def pg_store_schema() -> AsyncIterator[str]:
    """A schema holding an empty database at the current version (a recycled one when there is one)."""
    await pg_skip_unless_up()
    import asyncpg

    admin = await asyncpg.connect(PG_DSN)
    name = _pg_ready.pop() if _pg_ready else None
    try:
        if name is None:
            name = f"lt_test_{uuid.uuid4().hex[:12]}"
            await admin.execute(f'CREATE SCHEMA "{name}"')
            await (await Store.open(pg_url(search_path=name), ManualClock())).close()
            _pg_fresh_shape.setdefault("shape", await admin.fetchval(_SHAPE, name))
        yield await _client_url(name)
        if await _emptied(admin, name):
            _pg_ready.append(name)
            name = None
    finally:
        if name is not None:
            await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await admin.close()


async def _emptied(admin: Any, name: str) -> bool:
    """Delete every row (FK triggers off, so in any order) and restore the version row; False: drop it."""
    from loyalteez.store.schema import latest_version

    try:
        if await admin.fetchval(_SHAPE, name) != _pg_fresh_shape["shape"]:
            return False  # the test changed tables, columns, indexes, constraints or RLS
        tables = await admin.fetch(
            "SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r'", name
        )
        async with admin.transaction():
            await admin.execute("SET LOCAL session_replication_role = replica")
            for table in tables:
                await admin.execute(f'DELETE FROM "{name}"."{table["relname"]}"')
            await admin.execute(
                f'INSERT INTO "{name}".loyalteez_schema_version (version) VALUES ($1)', latest_version()
            )
        return True
    except Exception:
        return False


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A worker of a parallel run (make test) hands its numbers to the main process, which prints them all.
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        worker_output["loyalteez_report"] = json.dumps(REPORT)
    if "bouncer" in _pooler:
        _pooler.pop("bouncer").stop()
    if not _pg_ready:
        return

    async def drop_all() -> None:
        import asyncpg

        admin = await asyncpg.connect(PG_DSN)
        try:
            for name in _pg_ready:
                await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        finally:
            await admin.close()

    asyncio.run(drop_all())
    _pg_ready.clear()


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards; skipped only if no server answers."""
    await pg_skip_unless_up()
    import asyncpg

    name = f"lt_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
