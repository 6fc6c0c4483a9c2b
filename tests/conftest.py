"""Shared fixtures: a real SQLite file per test, a movable clock, linked servers, and the local PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Scope, Store

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
SEED_DOC = SHARED / "seed" / "database-schema.txt"
PG_DSN = os.environ.get("LOYALTEEZ_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

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


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if REPORT:
        terminalreporter.section("loyalteez numbers")
        for key, value in sorted(REPORT.items()):
            terminalreporter.write_line(f"{key}: {value}")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Store]:
    opened = await Store.open(str(tmp_path / "loyalteez.db"), clock)
    yield opened
    await opened.close()


async def linked(store: Store, brand_id: str, server_id: str, name: str | None = None) -> Scope:
    """A brand row plus an active server link, the state after a successful /setup connect."""
    if await store.get_brand(brand_id) is None:
        await store.insert_brand({"brand_id": brand_id, "name": f"Brand {brand_id}", "key_salt": "00", "key_hash": "x"})
    scope = Scope(brand_id, server_id)
    await store.scoped(scope).link(name or f"Server {server_id}")
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


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards; skipped only if no server answers."""
    if "reason" not in _pg_state:
        _pg_state["reason"] = await _pg_reason()
    if _pg_state["reason"]:
        print(f"SKIP postgres: {_pg_state['reason']}")
        pytest.skip(_pg_state["reason"])
    import asyncpg

    name = f"lt_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_DSN.rsplit("/", 1)[0] + "/" + name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
