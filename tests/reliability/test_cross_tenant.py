"""Cross-tenant property: random operations from 3 brands x 3 servers never read or change another's rows.

Runs the seeded program of tests/reliability/tenant_program.py on SQLite and PostgreSQL (the `store`
fixture), and on PostgreSQL under row-level security: every operation inside a transaction that has done
`SET LOCAL ROLE authenticated` with Supabase claims naming only the acting brand and server (the dialect
files and stub auth of tests/postgres/helpers.py), so the policies and the store's own scoping are both in
force. The program is seeded (a failure reproduces) and names the operation and scope that broke it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Scope, Store
from tests.conftest import REPORT
from tests.postgres.helpers import BOT_ROLE, POLICIES, STUB, apply_file, module_database
from tests.reliability.tenant_program import Program, link_all, scopes_for

SCOPES = scopes_for(brands=3, servers=3)
STEPS = 500


@asynccontextmanager
async def as_the_store(scope: Scope) -> AsyncIterator[None]:
    yield


async def test_random_operations_stay_inside_their_scope(store: Store) -> None:
    await link_all(store, SCOPES)
    ops = await Program(store, SCOPES, 1, as_the_store).run(STEPS)
    assert set(ops) >= {"write", "read_ledger", "rules", "members", "standings", "cursors", "generic", "mark_seen"}
    REPORT[f"cross-tenant program ({store.db.dialect})"] = (
        f"{len(SCOPES)} scopes, {sum(ops.values())} random operations, 0 leaks"
    )


# -- PostgreSQL with row-level security: the operations as Supabase `authenticated` sessions -----------------


async def _prepare(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await apply_file(conn, STUB)
    finally:
        await conn.close()
    store = await Store.open(url, ManualClock())
    try:
        await link_all(store, SCOPES)
    finally:
        await store.close()
    conn = await asyncpg.connect(url)
    try:
        await apply_file(conn, POLICIES)
        await apply_file(conn, BOT_ROLE)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def rls_url() -> Iterator[str]:
    with module_database(_prepare) as url:
        yield url


async def test_random_operations_under_row_level_security(rls_url: str) -> None:
    store = await Store.open(rls_url, ManualClock())
    sessions = 0

    @asynccontextmanager
    async def as_authenticated(scope: Scope) -> AsyncIterator[None]:
        nonlocal sessions
        claims = {
            "sub": "00000000-0000-0000-0000-000000000001",
            "role": "authenticated",
            "app_metadata": {"brand_id": scope.brand_id, "server_ids": [scope.server_id], "role": "admin"},
        }
        async with store.transaction():
            await store.db.execute("SET LOCAL ROLE authenticated")
            await store.db.execute("SELECT set_config('request.jwt.claims', ?, true)", [json.dumps(claims)])
            assert await store.db.fetch_value("SELECT current_user") == "authenticated"
            sessions += 1
            yield

    try:
        ops = await Program(store, SCOPES, 3, as_authenticated, operator_reads=False).run(STEPS)
        # The policies themselves, not just the store's WHERE: the session sees only its own server.
        for scope in SCOPES[:2]:
            async with as_authenticated(scope):
                servers = await store.db.fetch_all("SELECT DISTINCT server_id FROM loyalteez_reward_ledger")
                assert {r["server_id"] for r in servers} <= {scope.server_id}
    finally:
        await store.close()
    REPORT["cross-tenant program (PostgreSQL, RLS as authenticated)"] = (
        f"{sessions} sessions with per-scope claims, {sum(ops.values())} operations, 0 leaks"
    )
