"""A database that answers slowly: the engine the App runs on, behind a fixed wait per round trip.

Models a far-away database (a hosted PostgreSQL across an ocean, a stalled disk): every statement outside a
transaction, and every transaction as a whole, first waits `delay` seconds, outside the engine's locks, so
slow calls overlap as they would over a network. Statements inside a transaction do not wait again: on
SQLite they hold the only write lock, and a wait there would measure the lock queue, not the latency.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from loyalteez.store import Store

_inside: contextvars.ContextVar[bool] = contextvars.ContextVar("slow-db-inside", default=False)


class SlowDatabase:
    def __init__(self, inner: Any, delay: float = 0.0) -> None:
        self.inner = inner
        self.delay = delay
        self.calls = 0  # slowed round trips

    @classmethod
    def install(cls, store: Store, delay: float = 0.0) -> SlowDatabase:
        """Put a slow database under a running store (the delay can be changed later)."""
        slow = cls(store.db, delay)
        store.db = slow  # type: ignore[assignment]
        return slow

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def _wait(self) -> None:
        if self.delay and not _inside.get():
            self.calls += 1
            await asyncio.sleep(self.delay)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        await self._wait()
        return int(await self.inner.execute(sql, params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._wait()
        await self.inner.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        await self._wait()
        return list(await self.inner.fetch_all(sql, params))

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        await self._wait()
        row: dict[str, Any] | None = await self.inner.fetch_one(sql, params)
        return row

    async def fetch_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        await self._wait()
        return await self.inner.fetch_value(sql, params)

    @asynccontextmanager
    async def transaction(self, *args: Any, **kwargs: Any) -> AsyncIterator[None]:
        await self._wait()
        token = _inside.set(True)
        try:
            async with self.inner.transaction(*args, **kwargs):
                yield
        finally:
            _inside.reset(token)
