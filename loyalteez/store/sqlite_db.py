"""SQLite engine on aiosqlite: WAL, foreign keys on, one writer connection, busy timeout.

Values are typed by the column's declared type (TIMESTAMPTZ, DATE, JSONB, BOOLEAN, NUMERIC, UUID),
so rows come back as the same Python types the PostgreSQL driver returns.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiosqlite

from loyalteez import private_files
from loyalteez.store.database import DatabaseError, FetchHelpers, Row, TransactionSlot


def _to_sql(value: Any) -> Any:
    """Python value -> what SQLite stores for it (text timestamps that sort as time, JSON text)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored: use UTC")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _parse_timestamp(raw: bytes) -> datetime:
    text = raw.decode()
    when = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _parse_number(raw: bytes) -> int | float:
    text = raw.decode()
    try:
        return int(text)
    except ValueError:
        number = float(text)
        return int(number) if number.is_integer() else number


_CONVERTERS = {
    "TIMESTAMPTZ": _parse_timestamp,
    "DATE": lambda raw: date.fromisoformat(raw.decode()),
    "JSONB": lambda raw: json.loads(raw.decode()),
    "BOOLEAN": lambda raw: raw not in (b"0", b"", b"false", b"FALSE"),
    "NUMERIC": _parse_number,
    "UUID": lambda raw: raw.decode(),
}
for _name, _fn in _CONVERTERS.items():
    sqlite3.register_converter(_name, _fn)


class SqliteDatabase(FetchHelpers):
    """One connection; an asyncio lock makes each transaction (or lone statement) exclusive."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._slot = TransactionSlot(f"sqlite-tx-{id(self)}")

    @classmethod
    async def open(cls, path: str | Path) -> SqliteDatabase:
        target = str(path)
        if target != ":memory:":
            private_files.create_file(Path(target))  # owner-only, and so are its -wal and -shm files
        try:
            conn = await aiosqlite.connect(
                target, detect_types=sqlite3.PARSE_DECLTYPES, isolation_level=None, timeout=5.0
            )
            conn.row_factory = sqlite3.Row
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA foreign_keys=ON",
                "PRAGMA busy_timeout=5000",
                # FULL: a committed (acknowledged) reward survives a crash of the process or the machine.
                "PRAGMA synchronous=FULL",
            ):
                await conn.execute(pragma)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open the SQLite database at {target}: {exc}") from exc
        return cls(conn, target)

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[aiosqlite.Connection]:
        """Inside a transaction of this task: run directly; otherwise take the lock for one statement."""
        if self._slot.current() is not None:
            yield self._conn
            return
        async with self._lock:
            yield self._conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._statement() as conn:
            cursor = await conn.execute(sql, [_to_sql(p) for p in params])
            count = cursor.rowcount
            await cursor.close()
            return count

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self._statement() as conn:
            await conn.executemany(sql, [[_to_sql(p) for p in row] for row in rows])

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._statement() as conn:
            cursor = await conn.execute(sql, [_to_sql(p) for p in params])
            rows = await cursor.fetchall()
            await cursor.close()
            return [dict(row) for row in rows]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE so the write lock is taken up front; nested calls join the outer one."""
        if self._slot.current() is not None:
            yield
            return
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                async with self._slot.hold(self):
                    yield
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def executescript(self, script: str) -> None:
        """Run a whole SQL file atomically (executescript itself would commit between statements)."""
        async with self.transaction():
            for statement in split_sql(script):
                await self._conn.execute(statement)

    async def table_columns(self, table: str) -> dict[str, str]:
        rows = await self.fetch_all("SELECT name, type FROM pragma_table_info(?)", [table])
        return {row["name"]: str(row["type"]).upper() for row in rows}

    async def table_names(self) -> list[str]:
        rows = await self.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return [row["name"] for row in rows if not row["name"].startswith("sqlite_")]

    async def close(self) -> None:
        await self._conn.close()


def split_sql(script: str) -> list[str]:
    """Split a schema file into statements: drop `--` comments, cut at semicolons.

    The schema files keep semicolons out of strings and comments, so this stays simple.
    """
    lines = []
    for line in script.splitlines():
        code, _, _ = line.partition("--")
        lines.append(code)
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
