"""A per-token rate limit: a bucket of `per_minute` requests that refills evenly, on the injected clock.

Monotonic time, so a clock change cannot reset or freeze it; in memory, so a restart forgives everyone
(a minute's worth at most). Buckets of tokens idle for a full refill are forgotten.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from loyalteez.clock import Clock

DEFAULT_PER_MINUTE = 60


@dataclass
class _Bucket:
    level: float  # requests still allowed now
    at: float  # monotonic seconds of `level`


class RateLimiter:
    def __init__(self, clock: Clock, per_minute: int = DEFAULT_PER_MINUTE) -> None:
        self.clock = clock
        self.capacity = float(per_minute)
        self.per_second = per_minute / 60.0
        self._buckets: dict[str, _Bucket] = {}

    def admit(self, key: str) -> int | None:
        """None when the request may go ahead (and is counted); else the whole seconds until one may."""
        now = self.clock.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.capacity, now)
            self._forget_idle(now)
        bucket.level = min(self.capacity, bucket.level + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.level >= 1.0:
            bucket.level -= 1.0
            return None
        return max(1, math.ceil((1.0 - bucket.level) / self.per_second))

    def _forget_idle(self, now: float) -> None:
        full = self.capacity / self.per_second
        for key in [k for k, b in self._buckets.items() if now - b.at > full]:
            del self._buckets[key]
