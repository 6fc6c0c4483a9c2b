"""Community goals: a target the whole server works towards, with a progress bar for everyone.

Types (discord_community_goals.goal_type):
  users            members who have earned at least once (real payouts; starts from those who already have);
  dau              distinct members earning on one UTC day: current_value is today's count (reset at the
                   first payout of a new day, loyalteez_goal_state.value_day says which day it counts, and
                   best_value keeps the best day); reached when one day reaches the target;
  ltz_distributed  real LTZ paid since the goal started;
  custom           moved only by admins with /goal progress (add or subtract; never below 0).
Everything but custom moves in `after_batch`, a rewards-engine hook (hooks.py) run inside every written
batch's transaction: from the batch's own payouts and, for users and dau, the batch members' stats row or
today's ledger rows, read by key. Test-mode payouts move nothing. completed_at is set once, by a conditional
UPDATE, in the same transaction as a notice the adapter posts in the admin channel (config_metadata
admin_channel_id). A goal past its deadline stops moving and shows as missed; /goal end retires one early.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from loyalteez.clock import Clock, start_of_day, utc_day
from loyalteez.ids import new_id
from loyalteez.services import notices
from loyalteez.services.access import audit
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import ADMIN_CHANNEL_KEY, Caller, Level
from loyalteez.services.common import input as common
from loyalteez.services.common import texts as shared
from loyalteez.services.errors import ValidationError
from loyalteez.services.goals import input as check
from loyalteez.services.goals import texts
from loyalteez.services.rewards.hooks import BatchEffects
from loyalteez.services.rewards.rules import suggest
from loyalteez.store import Scope, ScopedData, Store
from loyalteez.store.repos.goals import Goal

TYPES = check.TYPES
CACHE_TTL = 60.0
AUTOCOMPLETE_MAX = 25


@dataclass
class Goals:
    store: Store
    clock: Clock
    _cache: dict[Scope, tuple[float, list[Goal]]] = field(default_factory=dict)

    # -- admin ---------------------------------------------------------------------------------------------

    async def create(
        self, scope: Scope, caller: Caller, *, name: str, kind: str, target: int, deadline: str | None = None
    ) -> Goal:
        """/goal create (event managers)."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        now = self.clock.now()
        name = common.text("name", name, common.NAME_MAX, required=True) or ""
        kind = common.choice("type", kind, TYPES)
        target = common.integer("target", target, check.GOAL_TARGET_RANGE)
        due = check.deadline(deadline, now)
        goal_id = new_id()
        async with data.rewards.transaction():
            if any(g.name.lower() == name.lower() for g in await self._all(data) if g.ended_at is None):
                raise ValidationError("name", shared.exists("goal", name))
            start = await self._starting_value(data, kind, now)
            row = await data.goals.add(
                goal_id=goal_id,
                name=name,
                kind=kind,
                target=target,
                value=start,
                deadline=due,
                created_at=now,
                value_day=utc_day(now) if kind == "dau" else None,
                best=start if kind == "dau" else 0,
            )
            await audit.record(
                data,
                actor_type="admin",
                actor_id=caller.user_id,
                action="goals.created",
                details={"name": name},
                after=row,
            )
            await self._complete(data, goal_id)
        self._cache.pop(scope, None)
        return await self._get(data, goal_id)

    async def _starting_value(self, data: ScopedData, kind: str, now: datetime) -> int:
        if kind == "users":
            return await data.goals.earning_members()
        if kind == "dau":
            return await data.goals.earners_since(start_of_day(utc_day(now)))
        return 0

    async def progress(self, scope: Scope, caller: Caller, name: str, amount: int) -> Goal:
        """/goal progress (event managers): move a custom goal by `amount` (negative to correct)."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        step = common.integer("amount", amount, check.GOAL_STEP_RANGE)
        if step == 0:
            raise ValidationError("amount", shared.out_of_range("amount", -1_000_000_000, 1_000_000_000, " (not 0)"))
        async with data.rewards.transaction():
            goal = await self._live(data, name)
            if goal.kind != "custom":
                raise ValidationError("name", texts.GOAL_NOT_CUSTOM.format(kind=goal.kind))
            if goal.deadline is not None and goal.deadline < utc_day(self.clock.now()):
                raise ValidationError("name", texts.goal_over(goal.name, goal.deadline.isoformat()))
            await data.goals.add_value(goal.id, step)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=caller.user_id,
                action="goals.progressed",
                details={"name": goal.name, "amount": step, "before": goal.value},
            )
            await self._complete(data, goal.id)
        self._cache.pop(scope, None)
        return await self._get(data, goal.id)

    async def end(self, scope: Scope, caller: Caller, name: str) -> Goal:
        """/goal end (event managers): retire a goal; it stays listed."""
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        async with data.rewards.transaction():
            goal = await self._live(data, name, allow_completed=True)
            await data.goals.end(goal.id, self.clock.now(), caller.user_id)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=caller.user_id,
                action="goals.ended",
                details={"name": goal.name, "value": goal.value, "target": goal.target},
            )
        self._cache.pop(scope, None)
        return await self._get(data, goal.id)

    async def _live(self, data: ScopedData, name: str, *, allow_completed: bool = False) -> Goal:
        goals = [g for g in await self._all(data) if g.ended_at is None]
        wanted = (name or "").strip().lower()
        found = next((g for g in goals if g.name.lower() == wanted), None)
        if found is None or (found.completed_at is not None and not allow_completed):
            raise ValidationError("name", shared.unknown("goal", name or "", suggest(wanted, [g.name for g in goals])))
        return found

    # -- reading -------------------------------------------------------------------------------------------

    async def _all(self, data: ScopedData) -> list[Goal]:
        return await data.goals.with_state(live_only=False)

    async def _get(self, data: ScopedData, goal_id: str) -> Goal:
        return next(g for g in await self._all(data) if g.id == goal_id)

    async def listing(self, scope: Scope, caller: Caller) -> list[Goal]:
        """/goal list (viewers): every goal, ended ones too."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await self._listing(data, include_ended=True)

    async def current(self, scope: Scope) -> list[Goal]:
        """/goals (members): the goals not ended."""
        return await self._listing(self.store.scoped(scope), include_ended=False)

    async def _listing(self, data: ScopedData, *, include_ended: bool) -> list[Goal]:
        """Goals newest-relevant first: active, then completed and missed; ended ones only for admins."""
        today = utc_day(self.clock.now())
        goals = [g for g in await self._all(data) if include_ended or g.ended_at is None]
        order = {"active": 0, "completed": 1, "missed": 2, "ended": 3}
        return sorted(goals, key=lambda g: order[g.status(today)])

    async def names(self, scope: Scope, typed: str = "") -> list[str]:
        """Names of goals not ended containing `typed` (autocomplete)."""
        typed = (typed or "").lower()
        found = [g.name for g in await self._all(self.store.scoped(scope)) if g.ended_at is None]
        return [n for n in found if typed in n.lower()][:AUTOCOMPLETE_MAX]

    def today(self) -> date:
        """The UTC day goal bars are shown for."""
        return utc_day(self.clock.now())

    # -- announcements (a ticker job) --------------------------------------------------------------------

    async def announce(self, now: datetime, post: Callable[[str, str | None, str, int], Awaitable[bool]]) -> None:
        """Reached goals, for each server's admin channel: `post(server id, channel id or None, text, how
        many goals)` returns False to keep them pending (tried again next time)."""
        for link in await self.store.active_servers():
            data = self.store.scoped(Scope(link["brand_id"], link["server_id"]))
            pending = await notices.pending(data, "goal")
            if not pending:
                continue
            channel_id = (await data.rewards.metadata()).get(ADMIN_CHANNEL_KEY)
            text = "\n".join(
                texts.goal_reached(r.details["name"], r.details["value"], r.details["target"], r.details["kind"])
                for r in pending
            )
            if not await post(link["server_id"], str(channel_id) if channel_id else None, text, len(pending)):
                continue
            await notices.mark_sent(data, [r.notice_id for r in pending], now)

    # -- progress (the engine hook) ----------------------------------------------------------------------

    async def after_batch(self, data: ScopedData, effects: BatchEffects) -> None:
        today = utc_day(effects.now)
        goals = [g for g in await self._moving(data) if g.deadline is None or g.deadline >= today]
        real = [p for p in effects.paid if not p.is_test]
        if not goals or not real:
            return
        firsts: list[str] | None = None
        for goal in goals:
            if goal.kind == "ltz_distributed":
                await data.goals.add_value(goal.id, sum(p.amount for p in real))
            elif goal.kind == "users":
                earned = {m: d[3] for m, d in effects.stats.items() if d[3] > 0}
                now_earned = await data.goals.lifetime_earned(sorted(earned))
                new = sum(1 for m, total in now_earned.items() if total == earned[m])
                if new:
                    await data.goals.add_value(goal.id, new)
            elif goal.kind == "dau":
                if firsts is None:
                    batch: dict[str, int] = {}
                    for p in real:
                        batch[p.member_id] = batch.get(p.member_id, 0) + 1
                    firsts = await data.goals.first_today(sorted(batch), start_of_day(today), batch)
                await self._count_day(data, goal, today, len(firsts))
            else:
                continue
            if await self._complete(data, goal.id):
                self._cache.pop(data.scope, None)

    async def _count_day(self, data: ScopedData, goal: Goal, today: date, new: int) -> None:
        day = await data.goals.day(goal.id)
        same_day = day is not None and day.value_day == today
        if not new and same_day:
            return
        current = await data.goals.value(goal.id)
        value = (current if same_day and current is not None else 0) + new
        await data.goals.set_value(goal.id, value)
        best = max(day.best if day else 0, value)
        await data.goals.save_day(goal.id, today, best, exists=day is not None)

    async def _complete(self, data: ScopedData, goal_id: str) -> bool:
        goal = await data.goals.complete(goal_id, self.clock.now())
        if goal is None:
            return False
        await notices.add(
            data,
            "goal",
            None,
            goal.id,
            {"name": goal.name, "value": goal.value, "target": goal.target, "kind": goal.kind},
        )
        return True

    async def _moving(self, data: ScopedData) -> list[Goal]:
        """Live goals that move with activity (cached; every write here drops the cache)."""
        cached = self._cache.get(data.scope)
        if cached is not None and self.clock.monotonic() - cached[0] < CACHE_TTL:
            return cached[1]
        goals = [g for g in await data.goals.with_state(live_only=True) if g.kind != "custom"]
        self._cache[data.scope] = (self.clock.monotonic(), goals)
        return goals
