"""Daily check-ins and streaks: /daily, /streak, milestone claims and the streak leaderboard.

A check-in is one row per member and UTC day (store/repos/streaks.py: its key makes a second /daily that
day, even a simultaneous one, a no-op) plus the member's streak row. The streak goes on when the previous
check-in is still alive (settings.alive_until: the end of its UTC day plus the grace period), else it
starts again at 1. The check-in is recorded whether or not its reward pays (a disabled
event, test mode or an exhausted budget never cost a member their streak); the reward, `daily_checkin`,
goes through the rewards engine under the interaction's id, with role bonuses, test mode and the streak
multiplier this very check-in reached.

Milestone rewards are paid exactly as configured (no multiplier: the milestone is the streak's own
reward), once per member and milestone, under the ledger key 'streak:<brand>:<member>:<day>'. The brand is
in the key because a server taken over by another brand starts its streaks afresh, while the ledger (whose
keys are unique per server) is kept forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from loyalteez.clock import Clock, start_of_day, utc_day
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.defaults import install_everywhere
from loyalteez.services.rewards.events import Member, Payout
from loyalteez.services.rewards.outcomes import Outcome
from loyalteez.services.rewards.service import Rewards
from loyalteez.services.streaks import settings as streak_settings
from loyalteez.services.streaks import texts
from loyalteez.services.streaks.multipliers import StreakMultipliers
from loyalteez.services.streaks.settings import StreakSettings, load
from loyalteez.store import Scope, ScopedData, Store

DAILY_EVENT = "daily_checkin"
MILESTONE_EVENT = "streak_milestone"
LEADERBOARD_SIZE = 10


@dataclass(frozen=True, slots=True)
class Checkin:
    """What /daily did."""

    done: bool  # False: already checked in today (nothing changed)
    streak: int
    longest: int
    restarted: bool  # a previous streak had run out and this one starts at 1
    multiplier: Decimal
    outcome: Outcome | None  # the daily reward (None when nothing was done)
    next_checkin: datetime  # next UTC midnight
    keep_until: datetime  # the last moment the next check-in keeps the streak going
    next_milestone: tuple[int, int] | None
    claimable: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class StreakStatus:
    current: int  # 0 when there is none or it ran out
    longest: int
    multiplier: Decimal
    next_tier: tuple[int, Decimal] | None
    next_milestone: tuple[int, int] | None
    claimable: tuple[tuple[int, int], ...]  # (day, LTZ) reached and not claimed
    claimed: tuple[int, ...]
    last_checkin: datetime | None
    keep_until: datetime | None
    checked_in_today: bool
    checkins: int


@dataclass(frozen=True, slots=True)
class MilestoneClaim:
    day: int
    amount: int
    outcome: Outcome | None  # None: not reached yet


class StreakService:
    def __init__(self, store: Store, clock: Clock, rewards: Rewards, multipliers: StreakMultipliers) -> None:
        self.store = store
        self.clock = clock
        self.rewards = rewards
        self.multipliers = multipliers

    async def check_in(self, scope: Scope, member: Member, interaction_id: str) -> Checkin:
        """Run again when it lost a race (a config changed by another process): nothing of it committed."""
        return await self.rewards.engine.locked(lambda: self._check_in(scope, member, interaction_id))

    async def _check_in(self, scope: Scope, member: Member, interaction_id: str) -> Checkin:
        data = self.store.scoped(scope)
        now = self.clock.now()
        today = utc_day(now)
        next_checkin = start_of_day(today) + timedelta(days=1)
        cache = self.rewards.engine.cache
        # Read before the transaction, so it is not a round trip of its own holding the rewards locks: today's
        # check-in row decides (its key admits one a day), and a streak row moved meanwhile could only be by
        # a check-in of today, which makes this one a no-op.
        recorded = await data.streaks.of(member.id)
        last = recorded.last_checkin if recorded else None
        current = recorded.current if recorded else 0
        longest = recorded.longest if recorded else 0
        if last is not None and utc_day(last) == today:
            settings = StreakSettings.from_metadata((await cache.get(data)).metadata)
            return self._already(settings, current, longest, last, next_checkin)
        try:
            async with self.store.transaction():
                await data.rewards.lock(brand=True)  # the engine's lock order: brand, server, then the rest
                cfg = await cache.get(data)  # its version is checked with the check-in's statements
                settings = StreakSettings.from_metadata(cfg.metadata)
                alive = settings.is_alive(last, now)
                streak = current + 1 if alive else 1
                longest = max(longest, streak)
                test_mode = cfg.test_mode.enabled
                if not await data.streaks.check_in(member.id, today, streak, longest, now, interaction_id, test_mode):
                    # Today's check-in happened before the streak rows were cleared (a reconnect): the
                    # member's streak is what is recorded, not the one this check-in would have made.
                    before = recorded.longest if recorded else 0
                    return self._already(settings, current, before, last or now, next_checkin)
                self.multipliers.checked_in(scope, member.id, streak, now)
                outcome = await self.rewards.engine.pay(
                    scope,
                    Payout(
                        key=f"{interaction_id}:{DAILY_EVENT}",
                        member=member,
                        event_type=DAILY_EVENT,
                        source="daily",
                        details={"streak": streak},
                    ),
                )
                claimable = await self._claimable(data, scope, member.id, settings, longest)
        except BaseException:
            self.multipliers.forget(scope)  # the in-place update may describe a rolled-back check-in
            raise
        return Checkin(
            True,
            streak,
            longest,
            current > 0 and not alive,
            settings.multiplier(streak),
            outcome,
            next_checkin,
            settings.alive_until(now),
            settings.next_milestone(streak),
            tuple(day for day, _ in claimable),
        )

    def _already(
        self, settings: StreakSettings, current: int, longest: int, last: datetime, next_checkin: datetime
    ) -> Checkin:
        return Checkin(
            False,
            current,
            longest,
            False,
            settings.multiplier(current),
            None,
            next_checkin,
            settings.alive_until(last),
            settings.next_milestone(current),
        )

    async def status(self, scope: Scope, member_id: str) -> StreakStatus:
        data = self.store.scoped(scope)
        now = self.clock.now()
        settings = await load(data)
        recorded = await data.streaks.of(member_id)
        last = recorded.last_checkin if recorded else None
        longest = recorded.longest if recorded else 0
        current = recorded.current if recorded and settings.is_alive(last, now) else 0
        claimable = await self._claimable(data, scope, member_id, settings, longest)
        reached = [day for day, _ in settings.milestones if day <= longest]
        claimable_days = {day for day, _ in claimable}
        return StreakStatus(
            current=current,
            longest=longest,
            multiplier=settings.multiplier(current),
            next_tier=settings.next_tier(current),
            next_milestone=settings.next_milestone(current),
            claimable=claimable,
            claimed=tuple(d for d in reached if d not in claimable_days),
            last_checkin=last,
            keep_until=settings.alive_until(last) if current and last is not None else None,
            checked_in_today=last is not None and utc_day(last) == utc_day(now),
            checkins=await data.streaks.checkin_count(member_id),
        )

    async def claim(
        self, scope: Scope, member: Member, milestone: int | None
    ) -> tuple[list[MilestoneClaim], StreakStatus]:
        """Claim one milestone, or (without one) every milestone reached and not yet claimed; with the
        member's streak status after the claims.

        An unknown milestone is a ValidationError (nothing changed); one not reached yet comes back with
        no outcome; one claimed before comes back refused as a duplicate by the engine.
        """
        claims = await self._claim(scope, member, milestone)
        return claims, await self.status(scope, member.id)

    async def _claim(self, scope: Scope, member: Member, milestone: int | None) -> list[MilestoneClaim]:
        data = self.store.scoped(scope)
        settings = await load(data)
        days = [day for day, _ in settings.milestones]
        if milestone is not None and milestone not in days:
            raise ValidationError("milestone", texts.milestone_unknown(days))
        recorded = await data.streaks.of(member.id)
        longest = recorded.longest if recorded else 0
        if milestone is not None:
            targets = [milestone]
        else:
            targets = [day for day, _ in await self._claimable(data, scope, member.id, settings, longest)]
        claims = []
        for day in targets:
            amount = settings.milestone_amount(day) or 0
            if day > longest:
                claims.append(MilestoneClaim(day, amount, None))
                continue
            outcome = await self.rewards.engine.pay(
                scope,
                Payout(
                    key=milestone_key(scope, member.id, day),
                    member=member,
                    event_type=MILESTONE_EVENT,
                    source="streak_milestone",
                    amount=amount,
                    details={"milestone": day},
                ),
            )
            claims.append(MilestoneClaim(day, amount, outcome))
        return claims

    async def _claimable(
        self, data: ScopedData, scope: Scope, member_id: str, settings: StreakSettings, longest: int
    ) -> tuple[tuple[int, int], ...]:
        reached = [(day, amount) for day, amount in settings.milestones if day <= longest]
        if not reached:
            return ()
        paid = await data.ledger.paid_keys([milestone_key(scope, member_id, day) for day, _ in reached])
        return tuple((day, amount) for day, amount in reached if milestone_key(scope, member_id, day) not in paid)

    async def leaderboard(self, scope: Scope, limit: int = LEADERBOARD_SIZE) -> list[tuple[str, int, int]]:
        """(member, current streak, longest) of the longest live streaks, longest first."""
        data = self.store.scoped(scope)
        settings = await load(data)
        top = await data.streaks.top(settings.alive_since(self.clock.now()), limit)
        return [(s.member_id, s.current, s.longest) for s in top]

    # -- /config streaks ---------------------------------------------------------------------------------------

    async def current_settings(self, scope: Scope, caller: Caller) -> StreakSettings:
        """The server's streak rules, for a viewer."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await load(data)

    async def configure(
        self,
        scope: Scope,
        caller: Caller,
        *,
        grace_hours: int | None = None,
        multipliers: str | None = None,
        milestones: str | None = None,
        reset: bool = False,
    ) -> StreakSettings:
        """Change the streak rules (a full admin; every option checked before anything is written)."""
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        return await streak_settings.configure(
            data, caller.user_id, grace_hours=grace_hours, multipliers=multipliers, milestones=milestones, reset=reset
        )

    # -- start-up ------------------------------------------------------------------------------------------------

    async def install_missing_events(self) -> dict[str, list[str]]:
        """Servers connected before a release added default events (daily_checkin, …) get them; server id ->
        names added."""
        return await install_everywhere(self.store, self.clock)


def milestone_key(scope: Scope, member_id: str, day: int) -> str:
    return f"streak:{scope.brand_id}:{member_id}:{day}"
