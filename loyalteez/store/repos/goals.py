"""Community goals and their project state (the dau day counted, the best day, who ended one).

A goal completes once: one conditional UPDATE stamps completed_at when its value reached the target, and
returns the goal only to the writer that stamped it. Moving a goal's value is one UPDATE that never lets it
fall below 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos._shared import chunks, marks
from loyalteez.store.repos.base import Repository
from loyalteez.store.repos.ledger_members import MEMBER_SCOPE, member_scope, member_source, per_half

GOALS, STATE = "discord_community_goals", "loyalteez_goal_state"
STATS, LEDGER = "discord_user_stats", "loyalteez_reward_ledger"


@dataclass(frozen=True, slots=True)
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
    created_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Goal:
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
            row.get("created_at"),
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


@dataclass(frozen=True, slots=True)
class GoalDay:
    """A dau goal's day: which UTC day its value counts, and the best day so far."""

    value_day: date | None
    best: float


class GoalsRepository(Repository):
    """Community goals of one server."""

    async def add(
        self,
        *,
        goal_id: str,
        name: str,
        kind: str,
        target: int,
        value: int,
        deadline: date | None,
        created_at: datetime,
        value_day: date | None,
        best: int,
    ) -> dict[str, Any]:
        """Save a new goal with its state row; returns the goal's row as written (its audit snapshot)."""
        row = {
            "goal_id": goal_id,
            "name": name,
            "goal_type": kind,
            "target_value": target,
            "current_value": value,
            "deadline": deadline,
            "created_at": created_at,
        }
        await self._tables.insert(GOALS, row)
        await self._tables.insert(STATE, {"goal_id": goal_id, "value_day": value_day, "best_value": best})
        return row

    async def with_state(self, *, live_only: bool) -> list[Goal]:
        """Goals joined with their project state, oldest first."""
        scope_sql, params = self._tables.scope_filter(GOALS, "g")
        sql = (
            f"SELECT g.*, s.value_day, s.best_value, s.ended_at, s.ended_by FROM {GOALS} g "
            f"LEFT JOIN {STATE} s ON s.goal_id = g.goal_id WHERE {scope_sql}"
        )
        if live_only:
            sql += " AND s.ended_at IS NULL AND g.completed_at IS NULL"
        return [Goal.from_row(r) for r in await self._db.fetch_all(sql + " ORDER BY g.created_at, g.name", params)]

    async def all(self) -> list[Goal]:
        """Every goal as stored, oldest first (without the project state)."""
        return [Goal.from_row(r) for r in await self._tables.select(GOALS, order_by=("created_at",))]

    async def add_value(self, goal_id: str, amount: int | float) -> Goal | None:
        """Move a goal's current_value by `amount` (never below 0); returns the goal after."""
        scope_sql, params = self._tables.scope_filter(GOALS)
        row = await self._db.fetch_one(
            f"UPDATE {GOALS} SET current_value = CASE WHEN current_value + ? < 0 THEN 0 "
            f"ELSE current_value + ? END WHERE {scope_sql} AND goal_id = ? RETURNING *",
            [amount, amount, *params, goal_id],
        )
        return Goal.from_row(row) if row is not None else None

    async def value(self, goal_id: str) -> float | None:
        row = await self._tables.get(GOALS, {"goal_id": goal_id})
        return float(row["current_value"] or 0) if row is not None else None

    async def set_value(self, goal_id: str, value: float) -> None:
        await self._tables.update(GOALS, {"goal_id": goal_id}, {"current_value": value})

    async def day(self, goal_id: str) -> GoalDay | None:
        row = await self._tables.get(STATE, {"goal_id": goal_id})
        return GoalDay(row["value_day"], float(row["best_value"] or 0)) if row is not None else None

    async def save_day(self, goal_id: str, value_day: date, best: float, *, exists: bool) -> None:
        """Record the day a dau goal counts and its best day (a goal made outside the bot, e.g. in the
        Partner Portal, gets its state row now)."""
        if exists:
            await self._tables.update(STATE, {"goal_id": goal_id}, {"value_day": value_day, "best_value": best})
        else:
            await self._tables.insert(STATE, {"goal_id": goal_id, "value_day": value_day, "best_value": best})

    async def end(self, goal_id: str, when: datetime, by: str) -> None:
        await self._tables.upsert(
            STATE,
            {"goal_id": goal_id, "ended_at": when, "ended_by": by},
            key=("goal_id",),
            update=("ended_at", "ended_by"),
        )

    async def complete(self, goal_id: str, now: datetime) -> Goal | None:
        """Stamp completed_at once the goal's value reached its target; None if not reached or already done."""
        scope_sql, params = self._tables.scope_filter(GOALS)
        row = await self._db.fetch_one(
            f"UPDATE {GOALS} SET completed_at = ? WHERE {scope_sql} AND goal_id = ? AND completed_at IS NULL "
            "AND current_value >= target_value RETURNING *",
            [now, *params, goal_id],
        )
        return Goal.from_row(row) if row is not None else None

    # -- what goals count ----------------------------------------------------------------------------------

    async def earning_members(self) -> int:
        """Members who have earned at least once (a users goal starts there)."""
        return await self._tables.count(STATS, {"ltz_earned": (">", 0)})

    async def lifetime_earned(self, member_ids: Sequence[str]) -> dict[str, int]:
        """Each member's ltz_earned as it is now."""
        if not member_ids:
            return {}
        rows = await self._tables.select(STATS, {"discord_user_id": ("IN", list(member_ids))})
        return {r["discord_user_id"]: int(r["ltz_earned"]) for r in rows}

    async def first_today(self, member_ids: Sequence[str], day_start: datetime, batch: Mapping[str, int]) -> list[str]:
        """Which members earned today for the first time in the batch just written (`batch`: member ->
        real payouts it holds): their real payouts since `day_start` are exactly the batch's."""
        counts: dict[str, int] = {}
        for chunk in chunks(list(member_ids)):
            where = f"{MEMBER_SCOPE} AND discord_user_id IN ({marks(chunk)}) AND created_at >= ? AND is_test = ?"
            rows = await self._db.fetch_all(
                f"SELECT discord_user_id, COUNT(*) AS n FROM {member_source('discord_user_id', where)} "
                "GROUP BY discord_user_id",
                per_half([*member_scope(self.scope), *chunk, day_start, False]),
            )
            counts.update({r["discord_user_id"]: int(r["n"]) for r in rows})
        return [m for m in member_ids if counts.get(m, 0) == batch.get(m, -1)]

    async def earners_since(self, since: datetime) -> int:
        """Distinct members with a real payout since a moment (a dau goal created mid-day starts there)."""
        scope_sql, params = self._tables.scope_filter(LEDGER)
        value = await self._db.fetch_value(
            f"SELECT COUNT(DISTINCT discord_user_id) FROM {LEDGER} WHERE {scope_sql} AND created_at >= ? "
            "AND is_test = ?",
            [*params, since, False],
        )
        return int(value or 0)
