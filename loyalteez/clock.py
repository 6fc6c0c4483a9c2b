"""The one place that reads the wall clock.

Domain code receives a Clock so tests can move time (midnight UTC, streak gaps,
expiry) instead of waiting for it.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current UTC time, and seconds on a clock that never jumps back."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin, for cache ages and timeouts (never for dates)."""
        ...


class SystemClock:
    """The real clock, always timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that only moves when told to; for tests, the demo and history replay."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
        self._now = ensure_utc(start)
        self._ticks = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        """Seconds moved by `tick` only: replays and tests jump the date by days without aging caches,
        as a real run does in the split second it takes; a test that wants a cache to expire ticks."""
        return self._ticks

    def tick(self, seconds: float) -> float:
        """Move monotonic time (cache ages, timeouts) without moving the date."""
        if seconds < 0:
            raise ValueError("monotonic time only moves forward")
        self._ticks += seconds
        return self._ticks

    def set(self, when: datetime) -> None:
        """Jump to an absolute time (may go backwards only if a test insists)."""
        self._now = ensure_utc(when)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by a timedelta or by keyword units (hours=2, days=1)."""
        step = delta if delta is not None else timedelta(**kwargs)
        if step < timedelta(0):
            raise ValueError("a ManualClock only moves forward with advance()")
        self._now += step
        return self._now


def ensure_utc(when: datetime) -> datetime:
    """Refuse naive datetimes: they are the root of every off-by-hours bug."""
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}: give a timezone-aware UTC time")
    return when.astimezone(UTC)


def utc_day(when: datetime) -> date:
    """The UTC calendar day a moment falls on."""
    return ensure_utc(when).date()


def start_of_day(day: date) -> datetime:
    """Midnight UTC at the start of a calendar day."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
