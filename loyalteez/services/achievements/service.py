"""Achievements (issue 6): milestones members reach by taking part, each claimable once for its reward.

Progress lives in discord_user_achievements and moves with the events that feed it: `after_batch` is a
rewards-engine hook (hooks.py) called inside every written batch's transaction with the members it touched;
for them only it reads each type's current total where it lives (discord_user_stats for messages,
reactions, voice hours and LTZ earned; discord_user_streaks.longest_streak; their daily check-in rows; their
drop claims), by key, never scanning a table. Progress is that total capped at the threshold and only ever
rises. The row that reaches its threshold gets completed_at in the same statement that also writes a notice
(services/notices.py), so a member is told once, in a DM batched with anything else they completed that
minute. Test-mode payouts never move ltz_earned, so they never complete an LTZ achievement either.

An achievement created later (or whose threshold changes) credits existing progress once from the same
totals, for every member, when it is saved; members it completes are told like any others.

Claiming pays reward_amount exactly (no role or streak bonus: the achievement states its prize) through the
engine (`pay`, ledger key `achievement:<id>:<member>`, event `achievement`), so test mode, disabled members
and the brand budget still apply; the guard sets claimed_at once, and a refusal rolls it back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services import audit, engagement_input, notices
from loyalteez.services import engagement_messages as say
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.events import Member, Payout
from loyalteez.services.rewards.hooks import BatchEffects
from loyalteez.services.rewards.outcomes import Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.rules import suggest
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, ServerStore, Store

ACHIEVEMENTS, PROGRESS = "discord_achievements", "discord_user_achievements"
TYPES = ("message_count", "voice_hours", "streak_days", "reactions_count", "ltz_earned", "checkins", "drops_claimed")
LEDGER_EVENT = "achievement"
CACHE_TTL = 60.0


@dataclass(frozen=True)
class Achievement:
    id: str
    name: str
    description: str | None
    kind: str
    threshold: int
    reward: int
    active: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Achievement:
        return cls(
            str(row["achievement_id"]),
            row["name"],
            row.get("description"),
            row.get("achievement_type") or "",
            int(row["threshold"]),
            int(row.get("reward_amount") or 0),
            row.get("is_active") is not False,
        )


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
    _cache: dict[Scope, tuple[float, list[Achievement]]] = field(default_factory=dict)

    # -- admin ---------------------------------------------------------------------------------------------

    async def create(
        self,
        data: ServerStore,
        actor_id: str,
        *,
        name: str,
        description: str | None,
        kind: str,
        threshold: int,
        reward: int,
    ) -> tuple[Achievement, int]:
        """Save a new achievement and credit every member's existing progress; returns it and how many
        members it completed at once."""
        name = engagement_input.text("name", name, engagement_input.NAME_MAX, required=True) or ""
        row = {
            "achievement_id": new_id(),
            "name": name,
            "description": engagement_input.text("description", description, engagement_input.DESCRIPTION_MAX),
            "achievement_type": engagement_input.choice("type", kind, TYPES),
            "threshold": engagement_input.integer("threshold", threshold, engagement_input.THRESHOLD_RANGE),
            "reward_amount": engagement_input.integer(
                "reward", reward, engagement_input.ACHIEVEMENT_REWARD_RANGE, " LTZ (0: a badge)"
            ),
            "is_active": True,
        }
        async with data.rewards_transaction():
            if await self._by_name(data, name) is not None:
                raise ValidationError("name", say.exists("achievement", name))
            await data.insert(ACHIEVEMENTS, row)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="achievements.created",
                details={"name": name},
                after=row,
            )
            done = await self._credit(data, Achievement.from_row(row))
        self._cache.pop(data.scope, None)
        return Achievement.from_row(row), done

    async def edit(
        self,
        data: ServerStore,
        actor_id: str,
        name: str,
        *,
        description: str | None = None,
        kind: str | None = None,
        threshold: int | None = None,
        reward: int | None = None,
    ) -> Achievement:
        changes: dict[str, Any] = {}
        if description is not None:
            changes["description"] = engagement_input.text("description", description, engagement_input.DESCRIPTION_MAX)
        if threshold is not None:
            changes["threshold"] = engagement_input.integer("threshold", threshold, engagement_input.THRESHOLD_RANGE)
        if reward is not None:
            changes["reward_amount"] = engagement_input.integer(
                "reward", reward, engagement_input.ACHIEVEMENT_REWARD_RANGE
            )
        async with data.rewards_transaction():
            before = await self._existing(data, name)
            if kind is not None and kind.strip().lower() != before["achievement_type"]:
                raise ValidationError("type", say.ACHIEVEMENT_TYPE_FIXED)
            if not changes:
                raise ValidationError("options", say.NOTHING_TO_CHANGE)
            await data.update(ACHIEVEMENTS, {"achievement_id": before["achievement_id"]}, changes)
            after = {**before, **changes}
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="achievements.edited",
                details={"name": before["name"]},
                before=before,
                after=after,
            )
            if "threshold" in changes:
                await self._credit(data, Achievement.from_row(after))
        self._cache.pop(data.scope, None)
        return Achievement.from_row(after)

    async def toggle(self, data: ServerStore, actor_id: str, name: str) -> Achievement:
        async with data.rewards_transaction():
            before = await self._existing(data, name)
            after = {**before, "is_active": not Achievement.from_row(before).active}
            await data.update(
                ACHIEVEMENTS, {"achievement_id": before["achievement_id"]}, {"is_active": after["is_active"]}
            )
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="achievements.toggled",
                details={"name": before["name"]},
                before=before,
                after=after,
            )
            if after["is_active"]:
                await self._credit(data, Achievement.from_row(after))
        self._cache.pop(data.scope, None)
        return Achievement.from_row(after)

    async def listing(self, data: ServerStore) -> list[tuple[Achievement, int]]:
        """Every achievement with how many members completed it."""
        done = await data.achievements_completions()
        rows = await data.select(ACHIEVEMENTS, order_by=("created_at",))
        return [(a, done.get(a.id, 0)) for a in map(Achievement.from_row, rows)]

    async def names(self, data: ServerStore) -> list[str]:
        return [r["name"] for r in await data.select(ACHIEVEMENTS, order_by=("name",))]

    async def _by_name(self, data: ServerStore, name: str) -> dict[str, Any] | None:
        wanted = name.strip().lower()
        return next((r for r in await data.select(ACHIEVEMENTS) if r["name"].lower() == wanted), None)

    async def _existing(self, data: ServerStore, name: str) -> dict[str, Any]:
        row = await self._by_name(data, name or "")
        if row is None:
            close = suggest(name or "", await self.names(data))
            raise ValidationError("name", say.unknown("achievement", name or "", close))
        return row

    async def _credit(self, data: ServerStore, achievement: Achievement) -> int:
        """Existing progress for every member, once, from the totals the type counts; returns completions."""
        if not achievement.active:
            return 0
        totals = await data.achievements_all_sources(achievement.kind)
        rows = [(m, achievement.id, min(v, achievement.threshold)) for m, v in totals.items() if v > 0]
        await data.achievements_save_progress(rows)
        done = await data.achievements_complete(self.clock.now(), achievement_id=achievement.id)
        await self._announce(data, done, {achievement.id: achievement})
        return len(done)

    # -- progress (the engine hook) ----------------------------------------------------------------------

    async def after_batch(self, data: ServerStore, effects: BatchEffects) -> None:
        """Move the batch's members' progress; complete (and queue a notice for) what reached its threshold."""
        active = await self._active(data)
        if active:
            await self._refresh(data, sorted(effects.members), active)

    async def _active(self, data: ServerStore) -> list[Achievement]:
        cached = self._cache.get(data.scope)
        if cached is not None and time.monotonic() - cached[0] < CACHE_TTL:
            return cached[1]
        rows = await data.select(ACHIEVEMENTS, {"is_active": True})
        active = [a for a in map(Achievement.from_row, rows) if a.kind in TYPES]
        self._cache[data.scope] = (time.monotonic(), active)
        return active

    async def _refresh(self, data: ServerStore, members: list[str], active: list[Achievement]) -> None:
        if not members:
            return
        totals = await data.achievements_sources(members, {a.kind for a in active})
        current = {
            (r["discord_user_id"], str(r["achievement_id"])): r
            for r in await data.select(PROGRESS, {"discord_user_id": ("IN", members)})
        }
        rows, reached = [], set()
        for member in members:
            for a in active:
                value = min(totals.get(member, {}).get(a.kind, 0), a.threshold)
                row = current.get((member, a.id))
                if value <= 0 or (row is not None and (row["completed_at"] is not None or row["progress"] >= value)):
                    continue
                rows.append((member, a.id, value))
                if value >= a.threshold:
                    reached.add(member)
        await data.achievements_save_progress(rows)
        if reached:
            done = await data.achievements_complete(self.clock.now(), sorted(reached))
            await self._announce(data, done, {a.id: a for a in active})

    async def _announce(self, data: ServerStore, done: list[dict[str, Any]], known: dict[str, Achievement]) -> None:
        for row in done:
            achievement = known.get(str(row["achievement_id"]))
            if achievement is not None:
                await notices.add(
                    data,
                    "achievement",
                    row["discord_user_id"],
                    achievement.id,
                    {"name": achievement.name, "reward": achievement.reward},
                )

    # -- members -----------------------------------------------------------------------------------------

    async def of_member(self, scope: Scope, member_id: str) -> list[MemberAchievement]:
        """The member's progress on every active achievement (brought up to date first)."""
        data = self.store.scoped(scope)
        active = await self._active(data)
        if not active:
            return []
        async with data.rewards_transaction():
            await self._refresh(data, [member_id], active)
        rows = {str(r["achievement_id"]): r for r in await data.select(PROGRESS, {"discord_user_id": member_id})}
        found = []
        for a in active:
            row = rows.get(a.id)
            found.append(
                MemberAchievement(
                    a,
                    int(row["progress"] or 0) if row else 0,
                    bool(row and row["completed_at"]),
                    bool(row and row["claimed_at"]),
                )
            )
        return found

    async def claim(self, scope: Scope, member: Member, achievement_id: str) -> ClaimResult:
        data = self.store.scoped(scope)
        row = (
            await data.get(ACHIEVEMENTS, {"achievement_id": achievement_id})
            if engagement_input.is_uuid(achievement_id)
            else None
        )
        if row is None or row.get("is_active") is False:
            return ClaimResult(say.ACHIEVEMENT_GONE)
        achievement = Achievement.from_row(row)
        mine = next((m for m in await self.of_member(scope, member.id) if m.achievement.id == achievement.id), None)
        if mine is None or not mine.completed:
            progress = mine.progress if mine else 0
            return ClaimResult(
                say.ACHIEVEMENT_NOT_DONE.format(
                    name=achievement.name,
                    progress=progress,
                    threshold=achievement.threshold,
                    unit=say.TYPE_UNITS.get(achievement.kind, ""),
                )
            )
        if achievement.reward <= 0:
            return ClaimResult(say.ACHIEVEMENT_NO_REWARD.format(name=achievement.name))
        now = self.clock.now()

        async def guard(d: ServerStore) -> Refused | None:
            if await d.achievements_claim(achievement.id, member.id, now):
                return None
            return Refused(RefusalReason.DUPLICATE, say.ACHIEVEMENT_ALREADY.format(name=achievement.name))

        async def on_paid(d: ServerStore, paid: Paid) -> None:
            await audit.record(
                d,
                actor_type="user",
                actor_id=member.id,
                action="achievements.claimed",
                target_user_id=member.id,
                is_test=paid.is_test,
                details={
                    "achievement_id": achievement.id,
                    "name": achievement.name,
                    "amount": paid.amount,
                    "ledger_id": paid.ledger_id,
                },
            )

        payout = Payout(
            key=f"achievement:{achievement.id}:{member.id}",
            member=member,
            event_type=LEDGER_EVENT,
            source="achievement",
            amount=achievement.reward,
            synthetic=True,
            details={"achievement_id": achievement.id},
        )
        outcome = await self.rewards.engine.pay(scope, payout, guard=guard, on_paid=on_paid)
        if isinstance(outcome, Paid):
            return ClaimResult(
                say.ACHIEVEMENT_PAID.format(
                    amount=outcome.amount, name=achievement.name, detail=say.amount_detail(outcome)
                ),
                outcome,
            )
        if isinstance(outcome, Refused) and outcome.reason == RefusalReason.DUPLICATE:
            return ClaimResult(say.ACHIEVEMENT_ALREADY.format(name=achievement.name), outcome)
        return ClaimResult(getattr(outcome, "message", say.ACHIEVEMENT_GONE), outcome)
