"""Many writers at once, each in its own transaction, as the repositories' guarded statements face them.

No rewards lock here: each attempt is its own transaction racing the others, so on PostgreSQL (READ
COMMITTED, a pool of connections) only the guarded UPDATEs stand between 200 writers and an oversell.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from loyalteez.store import Store


class _Refused(Exception):
    pass


async def race(store: Store, attempts: list[Any], attempt: Callable[[Any], Awaitable[bool]]) -> int:
    """How many attempts succeeded; a failed one rolls back whatever it wrote."""

    async def one(item: Any) -> bool:
        try:
            async with store.transaction():
                if not await attempt(item):
                    raise _Refused  # roll back whatever this attempt wrote
        except _Refused:
            return False
        return True

    return sum(await asyncio.gather(*(one(item) for item in attempts)))
