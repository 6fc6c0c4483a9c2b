"""Discord-style ids, so py-cord can read creation times from them like from real ones."""

from __future__ import annotations

import time
from collections.abc import Callable

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Strictly increasing snowflakes: tests rely on id order matching creation order."""

    def __init__(self, worker: int = 1, *, unix_ms: Callable[[], int] | None = None) -> None:
        self._worker = worker & 0x1F
        self._last = 0
        # The demo and history replays run on a moved clock: ids (and so timestamps) follow it.
        self._unix_ms = unix_ms or (lambda: int(time.time() * 1000))

    def next(self) -> int:
        now_ms = self._unix_ms() - DISCORD_EPOCH_MS
        candidate = (now_ms << 22) | (self._worker << 17)
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate

    def reserve(self, snowflake: int) -> None:
        """An id made elsewhere (moved onto a shard): later ids stay above it, so none is handed out twice."""
        self._last = max(self._last, snowflake)


def snowflake_time_ms(snowflake: int) -> int:
    """Unix milliseconds encoded in a snowflake (what py-cord shows as created_at)."""
    return (snowflake >> 22) + DISCORD_EPOCH_MS
