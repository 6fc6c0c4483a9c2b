"""The rewards engine's StreakMultiplierSource: a member's streak factor at the moment of each payout.

The engine asks once per payout, and a passive batch holds thousands of payouts, so nothing here queries
per member on the usual path: the first question about a server loads its streak settings and every
member's recorded streak and last check-in (one query), and later questions are dictionary lookups. The
snapshot is reloaded when the server's reward config changes in this process (a /config streaks write bumps
the generation the engine's own cache uses), after `ttl` seconds of the clock's monotonic time (changes made
by another process), or dropped when the server connects again (its streaks were deleted on disconnect). A
check-in updates its member's entry in place, inside the /daily transaction, so that payout already gets
the new factor.

Every question is about a moment: the event's own time (a late message's posting time, see
rewards/batch.py) or now. Whether the streak was alive is decided at that moment from the last check-in
and the grace period, so a snapshot never goes stale just because time passed. When the member checked in
after that moment (a greeting handled after a later check-in), the streak of that moment is read from the
check-in history instead: one query, only for such late payouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from loyalteez.clock import Clock
from loyalteez.services.streaks.settings import StreakSettings
from loyalteez.store import Scope, ScopedData


@dataclass(slots=True)
class _Snapshot:
    settings: StreakSettings
    generation: int
    loaded_at: float
    members: dict[str, tuple[int, datetime]] = field(default_factory=dict)  # member -> (streak, last check-in)


class StreakMultipliers:
    def __init__(self, clock: Clock, ttl: float = 60.0) -> None:
        self.clock = clock
        self.ttl = ttl
        self._snapshots: dict[Scope, _Snapshot] = {}
        self.loads = 0  # snapshots read from the database (tests check the hot path stays cached)

    async def multiplier(self, data: ScopedData, member_id: str, event_type: str, at: datetime | None = None) -> float:
        """The member's factor at `at` (default now): their streak's tier then, or 1.0 (none, or it ran out)."""
        snapshot = await self._snapshot(data)
        if snapshot.settings.min_bonus_streak() is None:
            return 1.0
        moment = at or self.clock.now()
        entry = snapshot.members.get(member_id)
        if entry is None:
            return 1.0  # never checked in
        streak, last = entry
        if last > moment:  # checked in after the moment asked about: the streak of that moment
            found = await data.streaks.as_of(member_id, moment)
            if found is None:
                return 1.0
            streak, last = found
        if not snapshot.settings.is_alive(last, moment):
            return 1.0
        return float(snapshot.settings.multiplier(streak))

    async def _snapshot(self, data: ScopedData) -> _Snapshot:
        scope = data.scope
        generation = data.rewards.generation()
        now = self.clock.monotonic()
        found = self._snapshots.get(scope)
        if found is not None and found.generation == generation and now - found.loaded_at < self.ttl:
            return found
        settings = StreakSettings.from_metadata(await data.rewards.metadata())
        streaks = await data.streaks.at_least(1) if settings.min_bonus_streak() is not None else []
        snapshot = _Snapshot(
            settings,
            generation,
            now,
            {s.member_id: (s.current, s.last_checkin) for s in streaks if s.last_checkin is not None},
        )
        self.loads += 1
        self._snapshots[scope] = snapshot
        return snapshot

    def checked_in(self, scope: Scope, member_id: str, streak: int, at: datetime) -> None:
        """A check-in just wrote this streak (inside its transaction): keep a loaded snapshot current."""
        snapshot = self._snapshots.get(scope)
        if snapshot is not None:
            snapshot.members[member_id] = (streak, at)

    def forget(self, scope: Scope | None = None) -> None:
        """Drop a server's snapshot (a rolled-back check-in, a reconnect), or all of them."""
        if scope is None:
            self._snapshots.clear()
        else:
            self._snapshots.pop(scope, None)
