"""Boosts: Discord's boost notices become one boost payout each (which event pays: planning.plan_boost).

The adapter reads the boost system messages Discord posts (message types 8-11: a boost, and a boost that
took the server to tier 1, 2 or 3; the author is the booster). GUILD_MEMBER_UPDATE's premium_since is not
used: it changes only on a member's first boost, carries no id to deduplicate by, and would double-pay the
boost its notice already announced. A server that turned boost notices off therefore pays no boost events.

Each notice is remembered (the boosts repository) so that "first boost" is decided by the member's boost history
on the server: the notice with the smallest id is the first, so a redelivered notice decides the same way.
The notice and its payout commit in one transaction; the engine's activity key 'b:<message id>' makes a
redelivered notice pay nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from loyalteez.services.rewards.events import BoostEvent, Member
from loyalteez.services.rewards.outcomes import EventOutcome
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, Store

TIER_BOOSTS = {1: 2, 2: 7, 3: 14}  # boosts a server needs for each premium tier (for the README and replies)


@dataclass(frozen=True, slots=True)
class BoostNotice:
    message_id: str
    member: Member
    channel_id: str | None
    tier: int = 0  # the tier this boost took the server to (0: none)
    boosts: int = 1


class BoostService:
    def __init__(self, store: Store, rewards: Rewards) -> None:
        self.store = store
        self.rewards = rewards

    async def boosted(self, scope: Scope, notice: BoostNotice) -> EventOutcome:
        """Run again when it lost a race (a config changed by another process): nothing of it committed."""
        return await self.rewards.engine.locked(lambda: self._boosted(scope, notice))

    async def _boosted(self, scope: Scope, notice: BoostNotice) -> EventOutcome:
        data = self.store.scoped(scope)
        async with self.store.transaction():
            await data.rewards.lock(brand=True)
            test_mode = (await self.rewards.engine.cache.get(data)).test_mode.enabled
            await data.boosts.record(notice.message_id, notice.member.id, notice.boosts, notice.tier, test_mode)
            earlier = [e for e in await data.boosts.event_ids_of(notice.member.id) if _before(e, notice.message_id)]
            event = BoostEvent(
                notice.message_id,
                notice.member,
                notice.channel_id,
                first=not earlier,
                tier=notice.tier,
                boosts=notice.boosts,
            )
            [outcome] = await self.rewards.engine.apply([(scope, event)])
        return outcome


def _before(a: str, b: str) -> bool:
    """Snowflakes grow with time; compare them as numbers (their text lengths may differ)."""
    try:
        return int(a) < int(b)
    except ValueError:
        return a < b
