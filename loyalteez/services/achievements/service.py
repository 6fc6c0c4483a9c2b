"""Achievements: milestones members reach by taking part, each claimable once for its reward.

Progress moves with the events that feed it (progress.py: the rewards-engine hook, run inside every written
batch's transaction for the members it touched); the row that reaches its threshold is completed and a
notice queued, so a member is told once, in a DM batched with anything else they completed that minute
(`announce`, a ticker job). Test-mode payouts never move ltz_earned, so they never complete an LTZ
achievement either.

An achievement created later (or whose threshold changes) credits existing progress once from the same
totals, for every member, when it is saved; members it completes are told like any others.

Claiming pays reward_amount exactly (no role or streak bonus: the achievement states its prize) through the
engine (`pay`, ledger key `achievement:<id>:<member>`, event `achievement`), so test mode, disabled members
and the brand budget still apply; the guard sets claimed_at once, and a refusal rolls it back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services import notices
from loyalteez.services.access import audit
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.achievements import input as check
from loyalteez.services.achievements import texts
from loyalteez.services.achievements.progress import AchievementProgress
from loyalteez.services.common import input as common
from loyalteez.services.common import texts as shared
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.events import Member, Payout
from loyalteez.services.rewards.hooks import BatchEffects
from loyalteez.services.rewards.outcomes import Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.rules import suggest
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, ScopedData, Store
from loyalteez.store.repos.achievements import Achievement

TYPES = check.TYPES
LEDGER_EVENT = "achievement"
AUTOCOMPLETE_MAX = 25


@dataclass(frozen=True)
class MemberAchievement:
    achievement: Achievement
    progress: int
    completed: bool
    claimed: bool

    @property
    def claimable(self) -> bool:
        return self.completed and not self.claimed and self.achievement.reward > 0


@dataclass(frozen=True)
class ClaimResult:
    text: str
    outcome: Outcome | None = None

    @property
    def paid(self) -> bool:
        return isinstance(self.outcome, Paid)


@dataclass
class Achievements:
    store: Store
    clock: Clock
    rewards: Rewards
    progress: AchievementProgress = field(init=False)

    def __post_init__(self) -> None:
        self.progress = AchievementProgress(self.clock)

    # -- admin (the commands check the caller's level first) ----------------------------------------------

    async def create(
        self,
        scope: Scope,
        caller: Caller,
        *,
        name: str,
        description: str | None,
        kind: str,
        threshold: int,
        reward: int,
    ) -> tuple[Achievement, int]:
        """/achievement create (event managers)."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        return await self.create_in(
            data, caller.user_id, name=name, description=description, kind=kind, threshold=threshold, reward=reward
        )

    async def edit(
        self,
        scope: Scope,
        caller: Caller,
        name: str,
        *,
        description: str | None = None,
        kind: str | None = None,
        threshold: int | None = None,
        reward: int | None = None,
    ) -> Achievement:
        """/achievement edit (event managers)."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        return await self.edit_in(
            data, caller.user_id, name, description=description, kind=kind, threshold=threshold, reward=reward
        )

    async def toggle(self, scope: Scope, caller: Caller, name: str) -> Achievement:
        """/achievement toggle (event managers)."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        return await self.toggle_in(data, caller.user_id, name)

    async def listing(self, scope: Scope, caller: Caller) -> list[tuple[Achievement, int]]:
        """/achievement list (viewers): every achievement with how many members completed it."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await self.listing_in(data)

    async def names(self, scope: Scope, typed: str = "") -> list[str]:
        """Achievement names containing `typed` (autocomplete)."""
        typed = (typed or "").lower()
        found = [a.name for a in await self.store.scoped(scope).achievements.by_name()]
        return [n for n in found if typed in n.lower()][:AUTOCOMPLETE_MAX]

    # -- admin, inside an open scope (the commands above, and a config import) ----------------------------

    async def create_in(
        self,
        data: ScopedData,
        actor_id: str,
        *,
        name: str,
        description: str | None,
        kind: str,
        threshold: int | None,
        reward: int | None,
    ) -> tuple[Achievement, int]:
        """Save a new achievement and credit every member's existing progress; returns it and how many
        members it completed at once. A missing threshold or reward (a config file's item) is refused as
        the command refuses one out of range."""
        name = common.text("name", name, common.NAME_MAX, required=True) or ""
        about = common.text("description", description, common.DESCRIPTION_MAX)
        kind = common.choice("type", kind, TYPES)
        checked_threshold = common.integer("threshold", threshold, check.THRESHOLD_RANGE)
        checked_reward = common.integer("reward", reward, check.ACHIEVEMENT_REWARD_RANGE, " LTZ (0: a badge)")
        async with data.rewards.transaction():
            if await self._by_name(data, name) is not None:
                raise ValidationError("name", shared.exists("achievement", name))
            made = await data.achievements.add(
                achievement_id=new_id(),
                name=name,
                description=about,
                kind=kind,
                threshold=checked_threshold,
                reward=checked_reward,
            )
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="achievements.created",
                details={"name": name},
                after=await data.achievements.snapshot(made.id),
            )
            done = await self.progress.credit(data, made)
        self.progress.forget(data.scope)
        return made, done

    async def edit_in(
        self,
        data: ScopedData,
        actor_id: str,
        name: str,
        *,
        description: str | None = None,
        kind: str | None = None,
        threshold: int | None = None,
        reward: int | None = None,
    ) -> Achievement:
        about = common.text("description", description, common.DESCRIPTION_MAX) if description is not None else None
        if threshold is not None:
            threshold = common.integer("threshold", threshold, check.THRESHOLD_RANGE)
        if reward is not None:
            reward = common.integer("reward", reward, check.ACHIEVEMENT_REWARD_RANGE)
        async with data.rewards.transaction():
            before = await self._existing(data, name)
            before_row = await data.achievements.snapshot(before.id)
            if kind is not None and kind.strip().lower() != before.kind:
                raise ValidationError("type", texts.ACHIEVEMENT_TYPE_FIXED)
            if description is None and threshold is None and reward is None:
                raise ValidationError("options", shared.NOTHING_TO_CHANGE)
            await data.achievements.change(
                before.id,
                description=about,
                clear_description=description is not None and about is None,
                threshold=threshold,
                reward=reward,
            )
            after = Achievement(
                before.id,
                before.name,
                about if description is not None else before.description,
                before.kind,
                threshold if threshold is not None else before.threshold,
                reward if reward is not None else before.reward,
                before.active,
            )
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="achievements.edited",
                details={"name": before.name},
                before=before_row,
                after=await data.achievements.snapshot(before.id),
            )
            if threshold is not None:
                await self.progress.credit(data, after)
        self.progress.forget(data.scope)
        return after

    async def toggle_in(self, data: ScopedData, actor_id: str, name: str) -> Achievement:
        async with data.rewards.transaction():
            before = await self._existing(data, name)
            before_row = await data.achievements.snapshot(before.id)
            after = Achievement(
                before.id,
                before.name,
                before.description,
                before.kind,
                before.threshold,
                before.reward,
                not before.active,
            )
            await data.achievements.change(before.id, active=after.active)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="achievements.toggled",
                details={"name": before.name},
                before=before_row,
                after=await data.achievements.snapshot(before.id),
            )
            if after.active:
                await self.progress.credit(data, after)
        self.progress.forget(data.scope)
        return after

    async def listing_in(self, data: ScopedData) -> list[tuple[Achievement, int]]:
        done = await data.achievements.completions()
        return [(a, done.get(a.id, 0)) for a in await data.achievements.all()]

    async def _by_name(self, data: ScopedData, name: str) -> Achievement | None:
        wanted = name.strip().lower()
        return next((a for a in await data.achievements.all() if a.name.lower() == wanted), None)

    async def _existing(self, data: ScopedData, name: str) -> Achievement:
        found = await self._by_name(data, name or "")
        if found is None:
            close = suggest(name or "", [a.name for a in await data.achievements.by_name()])
            raise ValidationError("name", shared.unknown("achievement", name or "", close))
        return found

    # -- progress (the engine hook) ----------------------------------------------------------------------

    async def after_batch(self, data: ScopedData, effects: BatchEffects) -> None:
        """Move the batch's members' progress; complete (and queue a notice for) what reached its threshold."""
        await self.progress.after_batch(data, effects)

    # -- announcements (a ticker job) --------------------------------------------------------------------

    async def announce(self, now: datetime, dm: Callable[[str, str], Awaitable[None]]) -> None:
        """Tell each member what they completed since the last time, in ONE message per member (`dm`:
        member id, text), server after server; then mark those notices sent and forget old ones."""
        for link in await self.store.active_servers():
            data = self.store.scoped(Scope(link["brand_id"], link["server_id"]))
            pending = await notices.pending(data, "achievement")
            if pending:
                server = link["server_name"] or "your server"
                for member_id, rows in notices.by_member(pending).items():
                    if member_id is not None:
                        names = [r.details["name"] for r in rows]
                        await dm(member_id, texts.achievements_unlocked(server, names))
                await notices.mark_sent(data, [r.notice_id for r in pending], now)
            await notices.prune(data, now)

    # -- members -----------------------------------------------------------------------------------------

    async def of_member(self, scope: Scope, member_id: str) -> list[MemberAchievement]:
        """The member's progress on every active achievement (brought up to date first)."""
        data = self.store.scoped(scope)
        active = await self.progress.active(data)
        if not active:
            return []
        async with data.rewards.transaction():
            await self.progress.refresh(data, [member_id], active)
        mine = {p.achievement_id: p for p in await data.achievements.progress_of([member_id])}
        found = []
        for a in active:
            row = mine.get(a.id)
            found.append(
                MemberAchievement(
                    a,
                    row.progress if row else 0,
                    bool(row and row.completed_at),
                    bool(row and row.claimed_at),
                )
            )
        return found

    async def claim(self, scope: Scope, member: Member, achievement_id: str) -> ClaimResult:
        data = self.store.scoped(scope)
        achievement = await data.achievements.get(achievement_id) if common.is_uuid(achievement_id) else None
        if achievement is None or not achievement.active:
            return ClaimResult(texts.ACHIEVEMENT_GONE)
        mine = next((m for m in await self.of_member(scope, member.id) if m.achievement.id == achievement.id), None)
        if mine is None or not mine.completed:
            progress = mine.progress if mine else 0
            return ClaimResult(
                texts.ACHIEVEMENT_NOT_DONE.format(
                    name=achievement.name,
                    progress=progress,
                    threshold=achievement.threshold,
                    unit=texts.TYPE_UNITS.get(achievement.kind, ""),
                )
            )
        if achievement.reward <= 0:
            return ClaimResult(texts.ACHIEVEMENT_NO_REWARD.format(name=achievement.name))
        now = self.clock.now()
        won = achievement

        async def guard(d: ScopedData) -> Refused | None:
            if await d.achievements.claim(won.id, member.id, now):
                return None
            return Refused(RefusalReason.DUPLICATE, texts.ACHIEVEMENT_ALREADY.format(name=won.name))

        async def on_paid(d: ScopedData, paid: Paid) -> None:
            await audit.record(
                d,
                actor_type="user",
                actor_id=member.id,
                action="achievements.claimed",
                target_user_id=member.id,
                is_test=paid.is_test,
                details={
                    "achievement_id": won.id,
                    "name": won.name,
                    "amount": paid.amount,
                    "ledger_id": paid.ledger_id,
                },
            )

        payout = Payout(
            key=f"achievement:{won.id}:{member.id}",
            member=member,
            event_type=LEDGER_EVENT,
            source="achievement",
            amount=won.reward,
            synthetic=True,
            details={"achievement_id": won.id},
        )
        outcome = await self.rewards.engine.pay(scope, payout, guard=guard, on_paid=on_paid)
        if isinstance(outcome, Paid):
            return ClaimResult(
                texts.ACHIEVEMENT_PAID.format(
                    amount=outcome.amount, name=won.name, detail=shared.amount_detail(outcome)
                ),
                outcome,
            )
        if isinstance(outcome, Refused) and outcome.reason == RefusalReason.DUPLICATE:
            return ClaimResult(texts.ACHIEVEMENT_ALREADY.format(name=won.name), outcome)
        return ClaimResult(getattr(outcome, "message", texts.ACHIEVEMENT_GONE), outcome)
