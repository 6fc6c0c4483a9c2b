"""Read-only look at a database for the operator (`db info`, `doctor`): nothing is created or upgraded.

On PostgreSQL it also reads the catalog for row-level security, because a Supabase deployment is only
safe when supabase/policies.sql left RLS enabled and forced on every table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store.database import Database
from loyalteez.store.schema import current_version


@dataclass(frozen=True)
class RowSecurity:
    """RLS as the catalog reports it: policies in the schema and the tables lacking enable or force."""

    policies: int
    tables: int
    not_enabled: tuple[str, ...]
    not_forced: tuple[str, ...]

    @property
    def installed(self) -> bool:
        return self.policies > 0

    @property
    def complete(self) -> bool:
        return not self.not_enabled and not self.not_forced


@dataclass(frozen=True)
class DatabaseReport:
    where: str
    engine: str
    version: int | None
    sizes: dict[str, int]
    row_security: RowSecurity | None  # None on SQLite, which has no RLS
    # Which process holds the scheduler lease, and until when (several processes on one PostgreSQL).
    scheduler: tuple[str, datetime | str] | None = None


async def inspect(db: Database, where: str) -> DatabaseReport:
    """Schema version, rows per table and (PostgreSQL) row-level security of an open engine."""
    version = await current_version(db)
    sizes = {name: int(await db.fetch_value(f"SELECT COUNT(*) FROM {name}")) for name in await db.table_names()}
    security = await _row_security(db) if db.dialect == "postgresql" else None
    lease: dict[str, Any] | None = None
    if sizes.get("loyalteez_leases"):
        lease = await db.fetch_one("SELECT holder, expires_at FROM loyalteez_leases WHERE name = ?", ["scheduler"])
    scheduler = (str(lease["holder"]), lease["expires_at"]) if lease else None
    return DatabaseReport(where, db.dialect, version, dict(sorted(sizes.items())), security, scheduler)


async def _row_security(db: Database) -> RowSecurity:
    rows = await db.fetch_all(
        "SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    policies = await db.fetch_value("SELECT COUNT(*) FROM pg_policies WHERE schemaname = current_schema()")
    return RowSecurity(
        policies=int(policies or 0),
        tables=len(rows),
        not_enabled=tuple(r["name"] for r in rows if not r["enabled"]),
        not_forced=tuple(r["name"] for r in rows if not r["forced"]),
    )
