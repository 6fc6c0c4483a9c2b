"""Copy every table of one bot database into another (SQLite <-> PostgreSQL), resumably, then prove it.

Both sides are opened as stores first, so they hold the same schema version. Tables are copied parents
first (foreign-key order), in primary-key order, in batches: each batch is inserted together with a row of
`loyalteez_migrate_progress` on the target that remembers the last key copied, in one target transaction.
An interrupted copy therefore resumes exactly after its last committed batch (inserts also say ON CONFLICT
DO NOTHING, as a safety net). Afterwards every table's row count and checksum are compared; the checksum is
order-independent and computed on normalised Python values, so SQLite and PostgreSQL agree on equal data.
The progress table is dropped once the copy is verified. On PostgreSQL it gets row-level security as it
is created, like every other table (it names the source database, never with its password).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from loyalteez.store.database import Database, DatabaseError, Row
from loyalteez.store.schema import VERSION_TABLE

PROGRESS_TABLE = "loyalteez_migrate_progress"
# Both sides already hold the same version; a lease names a process of the source's, not the target's.
NOT_COPIED = frozenset({VERSION_TABLE, PROGRESS_TABLE, "loyalteez_leases"})
BATCH = 500
_PROGRESS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} ("
    " table_name TEXT PRIMARY KEY, source TEXT NOT NULL, last_key JSONB,"
    " copied BIGINT NOT NULL DEFAULT 0, done BOOLEAN NOT NULL DEFAULT FALSE)"
)

OnBatch = Callable[[str, int, int], None]  # (table, rows copied so far, rows in the source table)


@dataclass
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str
    copied_now: int = 0  # rows inserted by this run (less than source_rows after a resume)

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


@dataclass
class CopyReport:
    tables: list[TableCheck] = field(default_factory=list)
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)


# -- catalog queries (the only dialect-specific SQL here) ------------------------------------------------------


async def primary_key(db: Database, table: str) -> list[str]:
    if db.dialect == "sqlite":
        rows = await db.fetch_all("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [table])
    else:
        rows = await db.fetch_all(
            "SELECT a.attname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON TRUE "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE i.indisprimary AND c.relname = ? AND n.nspname = current_schema() ORDER BY k.ord",
            [table],
        )
    if not rows:
        raise DatabaseError(f"table {table} has no primary key, so it cannot be copied resumably")
    return [r["name"] for r in rows]


async def _parents(db: Database, table: str) -> set[str]:
    if db.dialect == "sqlite":
        rows = await db.fetch_all('SELECT DISTINCT "table" AS parent FROM pragma_foreign_key_list(?)', [table])
    else:
        rows = await db.fetch_all(
            "SELECT DISTINCT p.relname AS parent FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid "
            "JOIN pg_class p ON p.oid = co.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE co.contype = 'f' AND c.relname = ? AND n.nspname = current_schema()",
            [table],
        )
    return {r["parent"] for r in rows} - {table}


async def copy_order(db: Database) -> list[str]:
    """Every bot table, parents before children (alphabetical among equals, so the order is stable)."""
    tables = [t for t in await db.table_names() if t not in NOT_COPIED]
    parents = {t: await _parents(db, t) & set(tables) for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= set(ordered)]
        if not ready:
            raise DatabaseError(f"foreign keys form a cycle among {sorted(set(tables) - set(ordered))}")
        ordered.extend(sorted(ready))
    return ordered


# -- reading in key order, and checksums ----------------------------------------------------------------------


async def batches(
    db: Database, table: str, key: Sequence[str], after: Sequence[Any] | None, size: int
) -> AsyncIterator[list[Row]]:
    """Rows of `table` in key order, `size` at a time, starting after the key `after` (keyset paging)."""
    order = ", ".join(key)
    while True:
        if after is None:
            rows = await db.fetch_all(f"SELECT * FROM {table} ORDER BY {order} LIMIT ?", [size])
        else:
            bound = f"({order}) > ({', '.join('?' * len(key))})" if len(key) > 1 else f"{key[0]} > ?"
            rows = await db.fetch_all(f"SELECT * FROM {table} WHERE {bound} ORDER BY {order} LIMIT ?", [*after, size])
        if not rows:
            return
        yield rows
        after = [rows[-1][k] for k in key]


def normalise(value: Any) -> Any:
    """One spelling per value, whichever engine it came from (JSON key order, 1.0 vs 1, time zones)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        number = float(value)
        return int(number) if number.is_integer() else repr(number)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return str(value)


def row_digest(row: Row) -> int:
    canonical = json.dumps(
        {k: normalise(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest(), "big")


async def table_checksum(db: Database, table: str, key: Sequence[str]) -> tuple[int, str]:
    """(rows, checksum): the sum of row digests mod 2**256, so row order does not matter."""
    count, total = 0, 0
    async for rows in batches(db, table, key, None, 2000):
        count += len(rows)
        total = (total + sum(row_digest(r) for r in rows)) % (1 << 256)
    return count, f"{total:064x}"[:16]


# -- the copy -------------------------------------------------------------------------------------------------


async def _load_progress(target: Database) -> dict[str, Row] | None:
    if PROGRESS_TABLE not in await target.table_names():
        return None
    return {r["table_name"]: r for r in await target.fetch_all(f"SELECT * FROM {PROGRESS_TABLE}")}


async def _row_counts(db: Database, tables: Sequence[str]) -> dict[str, int]:
    return {t: int(await db.fetch_value(f"SELECT COUNT(*) FROM {t}")) for t in tables}


async def _check_same_tables(source: Database, target: Database, tables: list[str]) -> None:
    theirs = [t for t in await target.table_names() if t not in NOT_COPIED]
    if sorted(theirs) != sorted(tables):
        raise DatabaseError(
            f"the two databases hold different tables (only in the source: {sorted(set(tables) - set(theirs))}, "
            f"only in the target: {sorted(set(theirs) - set(tables))})"
        )
    for table in tables:
        if list(await source.table_columns(table)) != list(await target.table_columns(table)):
            raise DatabaseError(f"table {table} has different columns in the two databases")


async def _start(target: Database, tables: list[str], source_label: str, force: bool) -> bool:
    """Decide between a fresh copy and a resume; refuse a target holding data. Returns True on resume."""
    progress = await _load_progress(target)
    if progress is not None and not force:
        sources = {r["source"] for r in progress.values()}
        if sources <= {source_label}:
            return True
        raise DatabaseError(
            f"the target holds an unfinished copy from {', '.join(sorted(sources))}: rerun with that --from, "
            "or pass --force to start over"
        )
    counts = await _row_counts(target, tables)
    filled = {t: n for t, n in counts.items() if n}
    if filled and not force:
        example = max(filled, key=filled.__getitem__)
        raise DatabaseError(
            f"the target already holds data ({sum(filled.values())} rows in {len(filled)} tables, e.g. {example}): "
            "pass --force to delete it and copy, or choose an empty database"
        )
    async with target.transaction():
        for table in reversed(tables):
            if counts[table]:
                await target.execute(f"DELETE FROM {table}")
        if progress is not None:
            await target.execute(f"DROP TABLE {PROGRESS_TABLE}")
        await target.execute(_PROGRESS_DDL)
        await _secure_progress(target)
        await target.executemany(
            f"INSERT INTO {PROGRESS_TABLE} (table_name, source) VALUES (?, ?)", [(t, source_label) for t in tables]
        )
    return False


async def _secure_progress(target: Database) -> None:
    """The progress table gets row-level security like every other table (PostgreSQL only)."""
    if target.dialect != "postgresql":
        return
    from loyalteez.store import policies

    await policies.secure_new_table(target, PROGRESS_TABLE, with_policies=await policies.installed(target))


async def _copy_table(
    source: Database, target: Database, table: str, state: Row, total: int, size: int, on_batch: OnBatch | None
) -> int:
    key = await primary_key(source, table)
    copied, copied_now = int(state["copied"]), 0
    async for rows in batches(source, table, key, state["last_key"], size):
        columns = list(rows[0])
        insert = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            "ON CONFLICT DO NOTHING"
        )
        last = [rows[-1][k] for k in key]
        try:
            async with target.transaction():
                await target.executemany(insert, [[r[c] for c in columns] for r in rows])
                await target.execute(
                    f"UPDATE {PROGRESS_TABLE} SET last_key = ?, copied = ? WHERE table_name = ?",
                    [[normalise(v) for v in last], copied + len(rows), table],
                )
        except DatabaseError:
            raise
        except Exception as exc:  # the engines' own errors: one sentence naming the table
            raise DatabaseError(f"cannot copy {table} into the target: {str(exc).splitlines()[0]}") from exc
        copied += len(rows)
        copied_now += len(rows)
        if on_batch is not None:
            on_batch(table, copied, total)
    await target.execute(f"UPDATE {PROGRESS_TABLE} SET done = ? WHERE table_name = ?", [True, table])
    return copied_now


async def copy_database(
    source: Database,
    target: Database,
    *,
    source_label: str,
    force: bool = False,
    batch: int = BATCH,
    on_batch: OnBatch | None = None,
) -> CopyReport:
    """Copy every table; resume an unfinished copy from the same source; verify counts and checksums."""
    tables = await copy_order(source)
    await _check_same_tables(source, target, tables)
    report = CopyReport(resumed=await _start(target, tables, source_label, force))
    progress = await _load_progress(target) or {}
    totals = await _row_counts(source, tables)
    copied_now: dict[str, int] = {}
    for table in tables:
        state = progress.get(table) or {"copied": 0, "last_key": None, "done": False}
        if state["done"]:
            continue
        copied_now[table] = await _copy_table(source, target, table, state, totals[table], batch, on_batch)
    for table in tables:
        key = await primary_key(source, table)
        source_rows, source_sum = await table_checksum(source, table, key)
        target_rows, target_sum = await table_checksum(target, table, key)
        report.tables.append(
            TableCheck(table, source_rows, target_rows, source_sum, target_sum, copied_now.get(table, 0))
        )
    if report.ok:
        await target.execute(f"DROP TABLE {PROGRESS_TABLE}")
    return report
