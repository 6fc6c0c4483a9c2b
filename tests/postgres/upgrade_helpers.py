"""An old database with the Supabase policies of its day, rows in every table, and what `anon` can reach."""

from __future__ import annotations

from typing import Any

import asyncpg

from loyalteez.store.policies import schema_tables, table_sql
from loyalteez.store.schema import migrations
from tests.postgres.helpers import STUB, _generic_value, apply_file, connect

BRAND, SERVER = "brand_old", "777"
# Columns whose CHECK a made-up value would fail.
ALLOWED = {
    "actor_type": "admin",
    "metric": "daily_active_users",
    "effect_type": "multiplier",
    "kind": "achievement",
    "cost": 5,
}
# Columns whose allowed values differ by table.
PER_TABLE: dict[str, dict[str, Any]] = {"loyalteez_connect_attempts": {"kind": "server"}}


async def old_database_with_policies(url: str, version: int) -> None:
    """Supabase stand-in, migrations 1..version, the policies for the tables that version has, rows."""
    conn = await connect(url)
    try:
        await apply_file(conn, STUB)
        for migration in migrations()[:version]:
            await conn.execute(migration.sql())
        known = schema_tables()
        for name in await table_names(conn):
            await conn.execute(table_sql(known[name]))
        await fill_every_table(conn)
    finally:
        await conn.close()


async def table_names(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname"
    )
    return [r["relname"] for r in rows]


async def fill_every_table(conn: asyncpg.Connection) -> None:
    """One row in every empty table (as the owner), parents first, whatever the version's columns are."""
    pending = [t for t in await table_names(conn) if not await conn.fetchval(f"SELECT count(*) FROM {t}")]
    for _ in range(len(pending) + 1):
        for table in list(pending):
            row = await _row(conn, table)
            if row is None:
                continue  # a parent is still empty: next round
            await conn.execute(*_insert(table, row))
            pending.remove(table)
    assert not pending, f"could not fill {pending}"


async def _row(conn: asyncpg.Connection, table: str) -> dict[str, Any] | None:
    columns = await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = $1 AND is_nullable = 'NO' AND column_default IS NULL",
        table,
    )
    row = {c["column_name"]: _generic_value(c["column_name"], c["data_type"], table) for c in columns}
    row.update({c: v for c, v in ALLOWED.items() if c in row})
    row.update({c: v for c, v in PER_TABLE.get(table, {}).items() if c in row})
    names = {
        r["column_name"]
        for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = $1",
            table,
        )
    }
    if "brand_id" in names:
        row["brand_id"] = BRAND
    if "server_id" in names:
        row["server_id"] = SERVER
    for fk in await conn.fetch(
        "SELECT a.attname AS col, p.relname AS parent, pa.attname AS pcol FROM pg_constraint co "
        "JOIN pg_class c ON c.oid = co.conrelid JOIN pg_class p ON p.oid = co.confrelid "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = co.conkey[1] "
        "JOIN pg_attribute pa ON pa.attrelid = p.oid AND pa.attnum = co.confkey[1] "
        "WHERE co.contype = 'f' AND c.relname = $1 AND c.relnamespace = current_schema()::regnamespace",
        table,
    ):
        if fk["parent"] != table:
            row[fk["col"]] = await conn.fetchval(f"SELECT {fk['pcol']} FROM {fk['parent']} LIMIT 1")
            if row[fk["col"]] is None:
                return None
    if table == "loyalteez_schema_version":
        row = {"version": 999}
    return row


def _insert(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    marks = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    return (f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", *row.values())


async def what_anon_reaches(url: str) -> dict[str, int]:
    """Rows `anon` can read per table, even after someone grants it SELECT by mistake (rolled back)."""
    conn = await connect(url)
    reached: dict[str, int] = {}
    try:
        for table in await table_names(conn):
            if not await conn.fetchval(f"SELECT count(*) FROM {table}"):
                raise AssertionError(f"{table} is empty: nothing to prove")
            for stray_grant in (False, True):
                tx = conn.transaction()
                await tx.start()
                try:
                    if stray_grant:
                        await conn.execute(f"GRANT SELECT ON {table} TO anon")
                    await conn.execute("SET LOCAL ROLE anon")
                    reached[table] = reached.get(table, 0) + await conn.fetchval(f"SELECT count(*) FROM {table}")
                except asyncpg.InsufficientPrivilegeError:
                    pass
                finally:
                    await tx.rollback()
    finally:
        await conn.close()
    return {t: n for t, n in reached.items() if n}
