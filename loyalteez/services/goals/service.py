"""Community goals (issue 6): a target the whole server works towards, with a progress bar for everyone.

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

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from loyalteez.clock import Clock, start_of_day, utc_day
from loyalteez.ids import new_id
from loyalteez.services import audit, engagement_input, notices
from loyalteez.services import engagement_messages as say
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.hooks import BatchEffects
from loyalteez.services.rewards.rules import suggest
from loyalteez.store import Scope, ServerStore, Store

GOALS, STATE, STATS = "discord_community_goals", "loyalteez_goal_state", "discord_user_stats"
TYPES = ("users", "dau", "ltz_distributed", "custom")
CACHE_TTL = 60.0


@dataclass(frozen=True)
class Goal:
    id: str
    name: str
    kind: str
    target: float
    value: float
    deadline: date | None
    completed_at: datetime | None
    ended_at: datetime | None
    value_day: date | None
    best: float

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Goal:
        return cls(
            str(row["goal_id"]),
            row["name"],
            row.get("goal_type") or "custom",
            float(row["target_value"]),
            float(row.get("current_value") or 0),
            row.get("deadline"),
            row.get("completed_at"),
            row.get("ended_at"),
            row.get("value_day"),
            float(row.get("best_value") or 0),
        )

    def status(self, today: date) -> str:
        """active, completed, missed (deadline passed first) or ended (by an admin)."""
        if self.completed_at is not None:
            return "completed"
        if self.ended_at is not None:
            return "ended"
        if self.deadline is not None and self.deadline < today:
            return "missed"
        return "active"

    def shown_value(self, today: date) -> float:
        """What the bar shows: a dau goal shows today's count (0 until someone earns today)."""
        if self.kind == "dau" and self.completed_at is None and self.value_day != today:
            return 0
        return self.value


@dataclass
class Goals:
    store: Store
    clock: Clock
    _cache: dict[Scope, tuple[float, list[Goal]]] = field(default_factory=dict)

    # -- admin ---------------------------------------------------------------------------------------------

    async def create(
        self, data: ServerStore, actor_id: str, *, name: str, kind: str, target: int, deadline: str | None = None
    ) -> Goal:
        now = self.clock.now()
        name = engagement_input.text("name", name, engagement_input.NAME_MAX, required=True) or ""
        kind = engagement_input.choice("type", kind, TYPES)
        target = engagement_input.integer("target", target, engagement_input.GOAL_TARGET_RANGE)
        due = engagement_input.deadline(deadline, now)
        goal_id = new_id()
        async with data.rewards_transaction():
            if any(g.name.lower() == name.lower() for g in await self._all(data) if g.ended_at is None):
                raise ValidationError("name", say.exists("goal", name))
            start = await self._starting_value(data, kind, now)
            row = {
                "goal_id": goal_id,
                "name": name,
                "goal_type": kind,
                "target_value": target,
                "current_value": start,
                "deadline": due,
                "created_at": now,
            }
            await data.insert(GOALS, row)
            await data.insert(
                STATE,
                {
                    "goal_id": goal_id,
                    "value_day": utc_day(now) if kind == "dau" else None,
                    "best_value": start if kind == "dau" else 0,
                },
            )
            await audit.record(
                data, actor_type="admin", actor_id=actor_id, action="goals.created", details={"name": name}, after=row
            )
            await self._complete(data, goal_id)
        self._cache.pop(data.scope, None)
        return await self._get(data, goal_id)

    async def _starting_value(self, data: ServerStore, kind: str, now: datetime) -> int:
        if kind == "users":
            return await data.count(STATS, {"ltz_earned": (">", 0)})
        if kind == "dau":
            return await data.goals_earners_since(start_of_day(utc_day(now)))
        return 0

    async def progress(self, data: ServerStore, actor_id: str, name: str, amount: int) -> Goal:
        """/goal progress: move a custom goal by `amount` (negative to correct)."""
        step = engagement_input.integer("amount", amount, engagement_input.GOAL_STEP_RANGE)
        if step == 0:
            raise ValidationError("amount", say.out_of_range("amount", -1_000_000_000, 1_000_000_000, " (not 0)"))
        async with data.rewards_transaction():
            goal = await self._live(data, name)
            if goal.kind != "custom":
                raise ValidationError("name", say.GOAL_NOT_CUSTOM.format(kind=goal.kind))
            await data.goals_add(goal.id, step)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="goals.progressed",
                details={"name": goal.name, "amount": step, "before": goal.value},
            )
            await self._complete(data, goal.id)
        self._cache.pop(data.scope, None)
        return await self._get(data, goal.id)

    async def end(self, data: ServerStore, actor_id: str, name: str) -> Goal:
        async with data.rewards_transaction():
            goal = await self._live(data, name, allow_completed=True)
            await data.upsert(
                STATE,
                {"goal_id": goal.id, "ended_at": self.clock.now(), "ended_by": actor_id},
                key=("goal_id",),
                update=("ended_at", "ended_by"),
            )
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="goals.ended",
                details={"name": goal.name, "value": goal.value, "target": goal.target},
            )
        self._cache.pop(data.scope, None)
        return await self._get(data, goal.id)

    async def _live(self, data: ServerStore, name: str, *, allow_completed: bool = False) -> Goal:
        goals = [g for g in await self._all(data) if g.ended_at is None]
        wanted = (name or "").strip().lower()
        found = next((g for g in goals if g.name.lower() == wanted), None)
        if found is None or (found.completed_at is not None and not allow_completed):
            raise ValidationError("name", say.unknown("goal", name or "", suggest(wanted, [g.name for g in goals])))
        return found

    # -- reading -------------------------------------------------------------------------------------------

    async def _all(self, data: ServerStore) -> list[Goal]:
        return [Goal.from_row(r) for r in await data.goals_with_state(live_only=False)]

    async def _get(self, data: ServerStore, goal_id: str) -> Goal:
        return next(g for g in await self._all(data) if g.id == goal_id)

    async def listing(self, data: ServerStore, *, include_ended: bool) -> list[Goal]:
        """Goals newest-relevant first: active, then completed and missed; ended ones only for admins."""
        today = utc_day(self.clock.now())
        goals = [g for g in await self._all(data) if include_ended or g.ended_at is None]
        order = {"active": 0, "completed": 1, "missed": 2, "ended": 3}
        return sorted(goals, key=lambda g: order[g.status(today)])

    async def names(self, data: ServerStore) -> list[str]:
        return [g.name for g in await self._all(data) if g.ended_at is None]

    # -- progress (the engine hook) ----------------------------------------------------------------------

    async def after_batch(self, data: ServerStore, effects: BatchEffects) -> None:
        today = utc_day(effects.now)
        goals = [g for g in await self._moving(data) if g.deadline is None or g.deadline >= today]
        real = [p for p in effects.paid if not p.is_test]
        if not goals or not real:
            return
        firsts: list[str] | None = None
        for goal in goals:
            if goal.kind == "ltz_distributed":
                await data.goals_add(goal.id, sum(p.amount for p in real))
            elif goal.kind == "users":
                earned = {m: d[3] for m, d in effects.stats.items() if d[3] > 0}
                rows = await data.select(STATS, {"discord_user_id": ("IN", sorted(earned))}) if earned else []
                new = sum(1 for r in rows if int(r["ltz_earned"]) == earned[r["discord_user_id"]])
                if new:
                    await data.goals_add(goal.id, new)
            elif goal.kind == "dau":
                if firsts is None:
                    batch: dict[str, int] = {}
                    for p in real:
                        batch[p.member_id] = batch.get(p.member_id, 0) + 1
                    firsts = await data.goals_first_today(sorted(batch), start_of_day(today), batch)
                await self._count_day(data, goal, today, len(firsts))
            else:
                continue
            if await self._complete(data, goal.id):
                self._cache.pop(data.scope, None)

    async def _count_day(self, data: ServerStore, goal: Goal, today: date, new: int) -> None:
        row = await data.get(STATE, {"goal_id": goal.id})
        same_day = row is not None and row["value_day"] == today
        if not new and same_day:
            return
        current = await data.get(GOALS, {"goal_id": goal.id})
        value = (float(current["current_value"] or 0) if same_day and current else 0) + new
        await data.update(GOALS, {"goal_id": goal.id}, {"current_value": value})
        best = max(float(row["best_value"] or 0) if row else 0, value)
        if row is None:  # a goal made outside the bot (e.g. the Partner Portal) gets its state row now
            await data.insert(STATE, {"goal_id": goal.id, "value_day": today, "best_value": best})
        else:
            await data.update(STATE, {"goal_id": goal.id}, {"value_day": today, "best_value": best})

    async def _complete(self, data: ServerStore, goal_id: str) -> bool:
        done = await data.goals_complete(goal_id, self.clock.now())
        if done is None:
            return False
        goal = Goal.from_row(done)
        await notices.add(
            data,
            "goal",
            None,
            goal.id,
            {"name": goal.name, "value": goal.value, "target": goal.target, "kind": goal.kind},
        )
        return True

    async def _moving(self, data: ServerStore) -> list[Goal]:
        """Live goals that move with activity (cached; every write here drops the cache)."""
        cached = self._cache.get(data.scope)
        if cached is not None and time.monotonic() - cached[0] < CACHE_TTL:
            return cached[1]
        goals = [g for g in map(Goal.from_row, await data.goals_with_state(live_only=True)) if g.kind != "custom"]
        self._cache[data.scope] = (time.monotonic(), goals)
        return goals
