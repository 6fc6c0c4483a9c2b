"""Shared pieces of the PostgreSQL tests: a throw-away database per module, the dialect files, tenant rows."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Scope, Store
from loyalteez.store._tables import APPEND_ONLY_TABLES
from loyalteez.store.pg_codecs import setup_connection
from loyalteez.store.schema import SCHEMA_FILE
from tests.conftest import PG_DSN, _pg_reason, _pg_state, pg_url
from tests.store.sample_rows import sample_rows, uid

SUPABASE = SCHEMA_FILE.parent / "supabase"
STUB, POLICIES, BOT_ROLE = SUPABASE / "test_auth_stub.sql", SUPABASE / "policies.sql", SUPABASE / "bot_role.sql"

# Every table schema.sql creates, in file order: the RLS tests are parametrized over this list.
ALL_TABLES = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA_FILE.read_text(encoding="utf-8"))
# Operator-level, no tenant columns.
PRIVATE_TABLES = (
    "loyalteez_schema_version",
    "loyalteez_brands",
    "loyalteez_connect_attempts",
    "loyalteez_api_tokens",
    "loyalteez_leases",
)
HISTORY_TABLES = tuple(sorted(APPEND_ONLY_TABLES))
TENANT_TABLES = tuple(t for t in ALL_TABLES if t not in PRIVATE_TABLES)

A, B = "brand_a", "brand_b"
# Per brand: two servers with rows, one linked but empty (fresh inserts land there), one not linked yet.
SERVERS = {A: ("101", "102", "103", "109"), B: ("201", "202", "203", "209")}
SEEDED = {A: ("101", "102"), B: ("201", "202")}
EMPTY = {A: "103", B: "203"}
UNLINKED = {A: "109", B: "209"}
ADMIN_CHANNEL = "55"  # every linked server's admin channel, as the bot stored it

_ROLE_RACE = {"XX000", "23505", "42710"}  # tuple concurrently updated / duplicate role: another run did it


def skip_unless_pg() -> None:
    """Skip (printing why) only when no PostgreSQL server answers."""
    if "reason" not in _pg_state:
        _pg_state["reason"] = asyncio.run(_pg_reason())
    if _pg_state["reason"]:
        print(f"SKIP postgres: {_pg_state['reason']}")
        pytest.skip(_pg_state["reason"])


async def apply_file(conn: asyncpg.Connection, path: Path, attempts: int = 5) -> None:
    """Run a dialect file; roles are cluster-wide, so a concurrent run touching the same role is retried."""
    for attempt in range(attempts):
        try:
            await conn.execute(path.read_text(encoding="utf-8"))
            return
        except asyncpg.PostgresError as exc:
            if exc.sqlstate not in _ROLE_RACE or attempt == attempts - 1:
                raise
            await conn.execute("ROLLBACK")
            await asyncio.sleep(0.05 * (attempt + 1))


@contextmanager
def module_database(prepare: Callable[[str], Awaitable[None]]) -> Iterator[str]:
    """A fresh database for one test module, prepared once and dropped at the end."""
    skip_unless_pg()
    name = f"lt_test_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        url = pg_url(name)
        asyncio.run(prepare(url))
        yield url
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url)
    await setup_connection(conn)
    return conn


# -- rows -------------------------------------------------------------------------------------------------


def _generic_value(column: str, pg_type: str, tag: str) -> Any:
    """A plausible value for a NOT NULL column of a table tests/store/sample_rows.py does not cover yet."""
    if pg_type == "uuid":
        return uid(f"{column}-{tag}")
    if pg_type in ("integer", "bigint", "numeric", "smallint"):
        return 1
    if pg_type == "boolean":
        return True
    if pg_type in ("jsonb", "json"):
        return {"tag": tag}
    if pg_type == "date":
        return date(2026, 1, 1)
    if pg_type.startswith("timestamp"):
        return datetime(2026, 1, 1, tzinfo=UTC)
    return f"{column}-{tag}"


async def required_columns(conn: asyncpg.Connection) -> dict[str, dict[str, str]]:
    """table -> NOT NULL columns without a default -> type, for tables sample_rows does not know."""
    rows = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_nullable = 'NO' AND column_default IS NULL "
        "ORDER BY table_name, ordinal_position"
    )
    found: dict[str, dict[str, str]] = {}
    for r in rows:
        found.setdefault(r["table_name"], {})[r["column_name"]] = r["data_type"]
    return found


def tenant_rows(
    brand: str, server: str, n: int, required: dict[str, dict[str, str]]
) -> list[tuple[str, dict[str, Any]]]:
    """(table, full row) for every tenant table but discord_server_configs, parents first."""
    scope = Scope(brand, server)
    rows = [(t, {**row, "brand_id": brand, "server_id": server}) for t, row in sample_rows(scope, n)]
    covered = {t for t, _ in sample_rows(scope, 0)} | {"discord_server_configs"}  # n=0 has every table
    tag = f"{brand}-{server}-{n}"
    for table in TENANT_TABLES:
        if table not in covered:
            extra = {c: _generic_value(c, ty, tag) for c, ty in required.get(table, {}).items()}
            rows.append((table, {**extra, "brand_id": brand, "server_id": server}))
    return rows


def server_row(brand: str, server: str) -> dict[str, Any]:
    return {
        "brand_id": brand,
        "server_id": server,
        "server_name": f"Server {server}",
        "is_active": True,
        "config_metadata": {},
    }


async def seed_two_brands(url: str) -> None:
    """Both brands, their linked servers with two rows per tenant table, a brand-wide rule each."""
    store = await Store.open(url, ManualClock())
    conn = await connect(url)
    try:
        required = await required_columns(conn)
        for brand in (A, B):
            await store.insert_brand(
                {"brand_id": brand, "name": f"Brand {brand}", "key_salt": "00", "key_hash": "secret-hash"}
            )
            for server in (*SEEDED[brand], EMPTY[brand]):
                await store.scoped(Scope(brand, server)).server.link(f"Server {server}")
                await store.db.execute(  # the channel /config admin-channel chose (sample report schedules use it)
                    "UPDATE discord_server_configs SET config_metadata = ? WHERE server_id = ?",
                    [{"admin_channel_id": ADMIN_CHANNEL}, server],
                )
            for server in SEEDED[brand]:
                for n in (0, 1):
                    for table, row in tenant_rows(brand, server, n, required):
                        await insert_row(conn, table, row)
            await store.db.execute(
                "INSERT INTO monitoring_rules (id, brand_id, event_type, reward_amount) VALUES (?, ?, ?, ?)",
                [uid(f"brandwide-{brand}"), brand, "brand_event", 5],
            )
            await store.save_connect_attempt("server", SEEDED[brand][0], 1, store.clock.now(), None)
            await store.api_tokens.add(f"tok{brand}", brand, "seeded", "00", "token-hash")
            now = store.clock.now()
            await store.leases.take(f"scheduler {brand}", f"process of {brand}", now, now + timedelta(seconds=20))
    finally:
        await conn.close()
        await store.close()


async def insert_row(conn: asyncpg.Connection, table: str, row: dict[str, Any]) -> str:
    names = list(row)
    placeholders = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    return await conn.execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})", *[row[n] for n in names]
    )


async def prepare_supabase_like(url: str) -> None:
    """What a Supabase project would hold: stub roles and auth, schema.sql, both brands, policies, bot role."""
    conn = await asyncpg.connect(url)
    try:
        await apply_file(conn, STUB)
    finally:
        await conn.close()
    await seed_two_brands(url)  # Store.open creates the schema from schema.sql
    conn = await asyncpg.connect(url)
    try:
        await apply_file(conn, POLICIES)
        await apply_file(conn, BOT_ROLE)
    finally:
        await conn.close()
