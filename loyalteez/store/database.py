"""The SQL engine seam: one small interface, so the store's portable SQL runs on SQLite or PostgreSQL.

Store code writes `?` placeholders and passes Python values (datetime, date, dict, list, bool);
each driver converts them to what its engine wants and converts rows back, so the store never
sees an engine's quirks.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

Row = dict[str, Any]


class DatabaseError(RuntimeError):
    """The database is unusable (unreachable, wrong version, corrupt); the message says why."""


class Database(Protocol):
    """What the store needs from an engine."""

    dialect: str

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows changed."""

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def queue(self, sql: str, params: Sequence[Any] = (), *, once: bool = False) -> None:
        """A write whose row count nobody needs. Inside a transaction PostgreSQL sends it with the next
        statement or the COMMIT (one network round trip for several); SQLite runs it at once. `once`: an
        identical statement queued earlier in the same transaction makes this one a no-op (row locks)."""

    async def queue_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def send(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A write inside a transaction whose outcome nobody needs before its next statement. SQLite starts
        it on the connection's thread and returns at once, so the caller goes on working while it runs (make
        it one statement over a JSON array, not executemany: that takes Python's lock back for every row and
        crawls while the caller's Python runs); its error comes out of the next statement or the COMMIT,
        and the transaction rolls back. PostgreSQL: `queue`. Outside a transaction: `execute`."""

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any: ...

    def transaction(self) -> Any:
        """Async context manager: everything inside commits together or not at all; nests."""

    async def executescript(self, script: str) -> None: ...

    async def table_columns(self, table: str) -> dict[str, str]:
        """Column name -> declared type name (upper case) of one table."""

    async def table_names(self) -> list[str]: ...

    async def close(self) -> None: ...


class FetchHelpers:
    """fetch_one and fetch_value in terms of an engine's fetch_all, so each driver writes only the latter."""

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else next(iter(row.values()))


class TransactionSlot:
    """Remembers, per asyncio task, whether a transaction is open so nested calls join it."""

    def __init__(self, name: str) -> None:
        self._var: contextvars.ContextVar[Any | None] = contextvars.ContextVar(name, default=None)

    def current(self) -> Any | None:
        return self._var.get()

    @asynccontextmanager
    async def hold(self, handle: Any) -> AsyncIterator[None]:
        token = self._var.set(handle)
        try:
            yield
        finally:
            self._var.reset(token)
