"""Scoped table access: the only door to tenant tables, so isolation holds by construction.

Every statement built here filters by the scope's brand_id and server_id and stamps them on new
rows; callers cannot name those columns themselves. Table and column names are checked against
the live schema, so nothing a user types ever reaches SQL as an identifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from loyalteez.clock import Clock
from loyalteez.store.database import Database, Row
from loyalteez.store.scope import Scope
from loyalteez.store.sqlite_codecs import adapt_rows

SCOPE_COLUMNS = ("brand_id", "server_id")
# monitoring_rules rows with server_id NULL apply to every server of the brand: visible, not writable.
BRAND_WIDE_TABLES = frozenset({"monitoring_rules"})
# The audit trail and the rewards ledger are history: rows are added, never changed or removed.
APPEND_ONLY_TABLES = frozenset(
    {"discord_audit_log", "loyalteez_reward_ledger", "loyalteez_daily_checkins", "loyalteez_boosts"}
)
_OPERATORS = frozenset({"=", "!=", "<", "<=", ">", ">=", "IN", "NOT IN", "IS", "IS NOT", "LIKE"})


class ScopeViolation(PermissionError):
    """Code tried to reach rows outside its scope, or a table that is not a tenant table."""


class Catalog:
    """Column names and declared types of every table, read from the database at start-up."""

    def __init__(self, tables: Mapping[str, Mapping[str, str]]) -> None:
        self.tables = {name: dict(cols) for name, cols in tables.items()}

    @classmethod
    async def load(cls, db: Database) -> Catalog:
        return cls({name: await db.table_columns(name) for name in await db.table_names()})

    def tenant_tables(self) -> list[str]:
        """Tables holding one server's rows: they all carry both scope columns."""
        return sorted(t for t, cols in self.tables.items() if all(c in cols for c in SCOPE_COLUMNS))

    def columns(self, table: str) -> dict[str, str]:
        if table not in self.tables:
            raise ScopeViolation(f"unknown table {table!r}")
        return self.tables[table]

    def check_columns(self, table: str, names: Iterable[str]) -> None:
        known = self.columns(table)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ScopeViolation(f"{table} has no column(s) {', '.join(map(repr, unknown))}")


Where = Mapping[str, Any]


class ScopedTables:
    """Generic reads and writes of one scope's rows in any tenant table."""

    def __init__(self, db: Database, catalog: Catalog, scope: Scope, clock: Clock) -> None:
        self.db = db
        self.catalog = catalog
        self.scope = scope
        self.clock = clock

    # -- building blocks other store modules reuse for hand-written SQL --------------------------------

    def _tenant(self, table: str) -> dict[str, str]:
        columns = self.catalog.columns(table)
        if not all(c in columns for c in SCOPE_COLUMNS):
            raise ScopeViolation(f"{table} is not a tenant table")
        return columns

    def scope_filter(self, table: str, alias: str = "", *, for_write: bool = False) -> tuple[str, list[Any]]:
        """SQL condition limiting `table` to this scope (brand-wide rules readable, never writable)."""
        self._tenant(table)
        prefix = f"{alias}." if alias else ""
        if table in BRAND_WIDE_TABLES and not for_write:
            sql = f"{prefix}brand_id = ? AND ({prefix}server_id = ? OR {prefix}server_id IS NULL)"
        else:
            sql = f"{prefix}brand_id = ? AND {prefix}server_id = ?"
        return sql, [self.scope.brand_id, self.scope.server_id]

    def _where(self, table: str, where: Where | None, *, for_write: bool) -> tuple[str, list[Any]]:
        sql, params = self.scope_filter(table, for_write=for_write)
        parts = [sql]
        for column, condition in (where or {}).items():
            if column in SCOPE_COLUMNS:
                raise ScopeViolation(f"{column} comes from the scope, not from a filter")
            self.catalog.check_columns(table, [column])
            op, value = condition if isinstance(condition, tuple) else ("=", condition)
            op = op.upper()
            if op not in _OPERATORS:
                raise ScopeViolation(f"operator {op!r} is not allowed")
            if value is None and op in ("=", "IS"):
                parts.append(f"{column} IS NULL")
            elif value is None and op in ("!=", "IS NOT"):
                parts.append(f"{column} IS NOT NULL")
            elif op in ("IN", "NOT IN"):
                values = list(value)
                if not values:
                    parts.append("1 = 0" if op == "IN" else "1 = 1")
                    continue
                parts.append(f"{column} {op} ({', '.join('?' * len(values))})")
                params.extend(values)
            elif op in ("IS", "IS NOT"):  # `x IS ?` is SQLite-only: PostgreSQL wants NULL/TRUE/... after IS
                parts.append(f"{column} = ?" if op == "IS" else f"({column} != ? OR {column} IS NULL)")
                params.append(value)
            else:
                parts.append(f"{column} {op} ?")
                params.append(value)
        return " AND ".join(parts), params

    # -- generic operations ------------------------------------------------------------------------------

    def _stamped(self, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
        columns = self._tenant(table)
        for column in SCOPE_COLUMNS:
            if column in row and row[column] != getattr(self.scope, column):
                raise ScopeViolation(f"cannot write {column}={row[column]!r} from {self.scope}")
        stamped = {k: v for k, v in row.items() if k not in SCOPE_COLUMNS}
        now = self.clock.now()
        for column in ("created_at", "updated_at"):
            if column in columns and column not in stamped:
                stamped[column] = now
        stamped.update(brand_id=self.scope.brand_id, server_id=self.scope.server_id)
        self.catalog.check_columns(table, stamped)
        return stamped

    async def insert(
        self, table: str, row: Mapping[str, Any], *, ignore_conflict: bool = False, queued: bool = False
    ) -> bool:
        """Insert one row stamped with the scope; with ignore_conflict a duplicate key is a no-op (False).

        `queued`: nobody needs to know at once that it worked; inside a transaction it may travel to
        PostgreSQL with the next statement or the COMMIT (`Database.queue`). Returns True then.
        """
        stamped = self._stamped(table, row)
        names = list(stamped)
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        if ignore_conflict:
            sql += " ON CONFLICT DO NOTHING"
        if queued:
            await self.db.queue(sql, [stamped[n] for n in names])
            return True
        return await self.db.execute(sql, [stamped[n] for n in names]) > 0

    async def insert_many(self, table: str, rows: Sequence[Mapping[str, Any]], *, queued: bool = False) -> None:
        """Insert rows of one shape, stamped with the scope, in one wait for the database, not one per row.

        SQLite: one statement over the rows as a JSON array (an `executemany` gives up the interpreter lock
        around every row and, beside a busy event loop, waits to win it back each time; docs/architecture.md);
        `queued`, it is sent to run while the caller goes on (`Database.send`). PostgreSQL: `executemany`, or
        queued as for insert."""
        if not rows:
            return
        stamped = [self._stamped(table, row) for row in rows]
        names = list(stamped[0])
        if any(list(row) != names for row in stamped):
            raise ValueError(f"rows inserted together into {table} must have the same columns")
        values: list[Sequence[Any]] = [[row[n] for n in names] for row in stamped]
        if self.db.dialect == "sqlite":
            items = ", ".join(f"json_extract(r.value, '$[{n}]')" for n in range(len(names)))
            sql = f"INSERT INTO {table} ({', '.join(names)}) SELECT {items} FROM json_each(?) AS r WHERE TRUE"
            await (self.db.send if queued else self.db.execute)(sql, [adapt_rows(values)])
            return
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        await (self.db.queue_many if queued else self.db.executemany)(sql, values)

    async def upsert(
        self,
        table: str,
        row: Mapping[str, Any],
        key: Sequence[str],
        update: Sequence[str] | None = None,
        *,
        queued: bool = False,
    ) -> None:
        """Insert, or update the given columns of the row with the same key (key includes server_id);
        `queued` as for insert."""
        stamped = self._stamped(table, row)
        names = list(stamped)
        changing = [c for c in (update if update is not None else names) if c not in (*key, *SCOPE_COLUMNS)]
        changing = [c for c in changing if c != "created_at"]
        action = ", ".join(f"{c} = excluded.{c}" for c in changing) if changing else None
        sql = (
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT ({', '.join(key)}) DO " + (f"UPDATE SET {action}" if action else "NOTHING")
        )
        if queued:
            await self.db.queue(sql, [stamped[n] for n in names])
            return
        await self.db.execute(sql, [stamped[n] for n in names])

    async def select(
        self,
        table: str,
        where: Where | None = None,
        *,
        order_by: Sequence[str] = (),
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row]:
        condition, params = self._where(table, where, for_write=False)
        sql = f"SELECT * FROM {table} WHERE {condition}"
        if order_by:
            sql += " ORDER BY " + ", ".join(self._order_term(table, term) for term in order_by)
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        return await self.db.fetch_all(sql, params)

    async def get(self, table: str, where: Where) -> Row | None:
        rows = await self.select(table, where, limit=1)
        return rows[0] if rows else None

    async def count(self, table: str, where: Where | None = None) -> int:
        condition, params = self._where(table, where, for_write=False)
        return int(await self.db.fetch_value(f"SELECT COUNT(*) FROM {table} WHERE {condition}", params))

    def _writable(self, table: str) -> None:
        if table in APPEND_ONLY_TABLES:
            raise ScopeViolation(f"{table} is append-only: rows are never changed or deleted")

    async def update(self, table: str, where: Where | None, values: Mapping[str, Any], *, queued: bool = False) -> int:
        """Change the matching rows; the number changed (-1 when `queued`, as for insert: not known yet)."""
        self._writable(table)
        if any(c in values for c in SCOPE_COLUMNS):
            raise ScopeViolation("rows cannot be moved to another brand or server")
        changes = dict(values)
        if "updated_at" in self._tenant(table) and "updated_at" not in changes:
            changes["updated_at"] = self.clock.now()
        self.catalog.check_columns(table, changes)
        condition, params = self._where(table, where, for_write=True)
        assignments = ", ".join(f"{c} = ?" for c in changes)
        sql = f"UPDATE {table} SET {assignments} WHERE {condition}"
        if queued:
            await self.db.queue(sql, [*changes.values(), *params])
            return -1
        return await self.db.execute(sql, [*changes.values(), *params])

    async def delete(self, table: str, where: Where | None = None) -> int:
        self._writable(table)
        condition, params = self._where(table, where, for_write=True)
        return await self.db.execute(f"DELETE FROM {table} WHERE {condition}", params)

    def _order_term(self, table: str, term: str) -> str:
        column, _, direction = term.partition(" ")
        self.catalog.check_columns(table, [column])
        direction = direction.strip().upper() or "ASC"
        if direction not in ("ASC", "DESC"):
            raise ScopeViolation(f"bad sort direction {direction!r}")
        return f"{column} {direction}"
