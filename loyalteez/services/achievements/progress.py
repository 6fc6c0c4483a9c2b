"""Achievement progress: moving members' totals toward thresholds, completing, and queuing the notice.

Split from the service (admin commands, announcements, claims) so that the one hot path, the rewards-engine
hook run inside every written batch, lives on its own. Progress lives in discord_user_achievements; for the
members a batch touched it reads each type's current total where it lives (discord_user_stats for messages,
reactions, voice hours and LTZ earned; discord_user_streaks.longest_streak; their daily check-in rows; their
drop claims), by key, never scanning a table, caps it at the threshold, and only ever raises it. The row
that reaches its threshold gets completed_at in the same statement that also writes a notice
(services/notices.py). `credit` does the same for every member when an achievement is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loyalteez.clock import Clock
from loyalteez.services import notices
from loyalteez.services.achievements import input as check
from loyalteez.services.rewards.hooks import BatchEffects
from loyalteez.store import Scope, ScopedData
from loyalteez.store.repos.achievements import Achievement, Completion

TYPES = check.TYPES
CACHE_TTL = 60.0


@dataclass
class AchievementProgress:
    clock: Clock
    _cache: dict[Scope, tuple[float, list[Achievement]]] = field(default_factory=dict)

    def forget(self, scope: Scope) -> None:
        """Drop the server's cached active achievements (one was saved)."""
        self._cache.pop(scope, None)

    async def credit(self, data: ScopedData, achievement: Achievement) -> int:
        """Existing progress for every member, once, from the totals the type counts; returns completions."""
        if not achievement.active:
            return 0
        totals = await data.achievements.all_sources(achievement.kind)
        rows = [(m, achievement.id, min(v, achievement.threshold)) for m, v in totals.items() if v > 0]
        await data.achievements.save_progress(rows)
        done = await data.achievements.complete(self.clock.now(), achievement_id=achievement.id)
        await self._announce(data, done, {achievement.id: achievement})
        return len(done)

    async def after_batch(self, data: ScopedData, effects: BatchEffects) -> None:
        """Move the batch's members' progress; complete (and queue a notice for) what reached its threshold."""
        active = await self.active(data)
        if active:
            await self.refresh(data, sorted(effects.members), active)

    async def active(self, data: ScopedData) -> list[Achievement]:
        cached = self._cache.get(data.scope)
        if cached is not None and self.clock.monotonic() - cached[0] < CACHE_TTL:
            return cached[1]
        active = [a for a in await data.achievements.active() if a.kind in TYPES]
        self._cache[data.scope] = (self.clock.monotonic(), active)
        return active

    async def refresh(self, data: ScopedData, members: list[str], active: list[Achievement]) -> None:
        if not members:
            return
        totals = await data.achievements.sources(members, {a.kind for a in active})
        current = {(p.member_id, p.achievement_id): p for p in await data.achievements.progress_of(members)}
        rows, reached = [], set()
        for member in members:
            for a in active:
                value = min(totals.get(member, {}).get(a.kind, 0), a.threshold)
                row = current.get((member, a.id))
                if value <= 0 or (row is not None and (row.completed_at is not None or row.progress >= value)):
                    continue
                rows.append((member, a.id, value))
                if value >= a.threshold:
                    reached.add(member)
        await data.achievements.save_progress(rows)
        if reached:
            done = await data.achievements.complete(self.clock.now(), sorted(reached))
            await self._announce(data, done, {a.id: a for a in active})

    async def _announce(self, data: ScopedData, done: list[Completion], known: dict[str, Achievement]) -> None:
        for completion in done:
            achievement = known.get(completion.achievement_id)
            if achievement is not None:
                await notices.add(
                    data,
                    "achievement",
                    completion.member_id,
                    achievement.id,
                    {"name": achievement.name, "reward": achievement.reward},
                )
