"""The one object the Discord cogs hold: the engine for commands, the writer for passive events, `admin`
for the admin commands.

Admin changes need nothing else from here: config writes bump the repository's generation and the
engine's cache notices on the next event.
"""

from __future__ import annotations

import asyncio

from loyalteez.clock import Clock
from loyalteez.services.rewards.admin import RewardsAdmin
from loyalteez.services.rewards.bonuses import StreakMultiplierSource
from loyalteez.services.rewards.config import BrandSpend, ConfigCache
from loyalteez.services.rewards.engine import RewardsEngine
from loyalteez.services.rewards.events import ClaimRequest, ManualReward, PassiveEvent
from loyalteez.services.rewards.outcomes import EventOutcome, Outcome
from loyalteez.services.rewards.writer import DEFAULT_MAX_BATCH, RewardWriter
from loyalteez.store import Scope, Store


class Rewards:
    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        *,
        streaks: StreakMultiplierSource | None = None,
        max_delay: float | None = None,
        max_batch: int = DEFAULT_MAX_BATCH,
        cache_ttl: float = 60.0,
    ) -> None:
        clock = clock or store.clock
        self.engine = RewardsEngine(
            store,
            clock,
            streaks=streaks,
            cache=ConfigCache(clock.monotonic, cache_ttl),
            spend=BrandSpend(clock.monotonic, cache_ttl, shared=store.shared),
        )
        self.writer = RewardWriter(self.engine, max_delay=max_delay, max_batch=max_batch)
        self.admin = RewardsAdmin(store, self.engine, clock)

    def submit(self, scope: Scope, event: PassiveEvent) -> asyncio.Future[EventOutcome]:
        """A message, reaction, finished voice session or boost: queued, applied within max_delay.

        Fire and forget from a listener; the future (its EventOutcome) is for tests and logs only:
        passive refusals are silent.
        """
        return self.writer.submit(scope, event)

    async def claim(self, scope: Scope, request: ClaimRequest) -> Outcome:
        return await self.engine.claim(scope, request)

    async def join(self, scope: Scope, request: ClaimRequest) -> Outcome:
        return await self.engine.join(scope, request)

    async def reward(self, scope: Scope, request: ManualReward) -> Outcome:
        return await self.engine.reward(scope, request)

    async def close(self) -> None:
        """Shutdown: apply what is queued, then stop the writer."""
        await self.writer.close()
