"""Report schedules, their delivery state and the figures reports quote.

One schedule per server (discord_report_schedules) beside its delivery state (loyalteez_report_state): since
when it holds and the last attempt, so a report that could not be posted is neither retried every minute
nor lost silently. The figures are grouped reads over the rollups of the report's days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos.analytics_kpis import DAILY, _day, _int
from loyalteez.store.repos.base import Repository
from loyalteez.store.values import as_utc

SCHEDULES = "discord_report_schedules"
REPORT_STATE = "loyalteez_report_state"
USER_ACHIEVEMENTS = "discord_user_achievements"
GOALS = "discord_community_goals"


@dataclass(frozen=True, slots=True)
class ReportSchedule:
    """The server's schedule with its delivery state (None where nothing was attempted yet)."""

    frequency: str
    channel_id: str
    day_of_week: int | None
    is_active: bool
    last_sent_at: datetime | None
    active_since: datetime | None
    last_attempt_at: datetime | None
    last_status: str | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class TopEarner:
    member_id: str
    ltz: int


@dataclass(frozen=True, slots=True)
class GoalProgress:
    name: str
    target_value: float
    current_value: float
    deadline: date | None
    completed_at: datetime | None


class ReportsRepository(Repository):
    """The report schedule of one server, its delivery state and the figures its reports quote."""

    # -- the schedule and its delivery state ----------------------------------------------------------------

    async def schedule(self) -> ReportSchedule | None:
        row = await self._tables.get(SCHEDULES, {})
        if row is None:
            return None
        state: Mapping[str, Any] = await self._tables.get(REPORT_STATE, {}) or {}
        return ReportSchedule(
            str(row["frequency"]),
            str(row["channel_id"]),
            row.get("day_of_week"),
            bool(row.get("is_active")),
            row.get("last_sent_at"),
            state.get("active_since"),
            state.get("last_attempt_at"),
            state.get("last_status"),
            state.get("last_error"),
        )

    async def schedule_snapshot(self) -> dict[str, Any] | None:
        """The schedule's stored row as it is, for the audit trail's before/after."""
        return await self._tables.get(SCHEDULES, {})

    async def save_schedule(
        self, frequency: str, channel_id: str, day_of_week: int | None, active_since: datetime | None = None
    ) -> None:
        """Set the schedule (turned on); it holds from `active_since` (default now), with no attempt behind it yet."""
        await self._tables.upsert(
            SCHEDULES,
            {"frequency": frequency, "channel_id": channel_id, "day_of_week": day_of_week, "is_active": True},
            key=("server_id",),
        )
        await self._tables.upsert(
            REPORT_STATE,
            {
                "active_since": active_since or self._clock.now(),
                "last_attempt_at": None,
                "last_status": None,
                "last_error": None,
            },
            key=("server_id",),
        )

    async def turn_off(self) -> None:
        """Keep the schedule, turned off."""
        await self._tables.update(SCHEDULES, {}, {"is_active": False})

    async def record_attempt(self, at: datetime, status: str, error: str | None) -> None:
        if status == "sent":
            await self._tables.update(SCHEDULES, {}, {"last_sent_at": at})
        await self._tables.update(REPORT_STATE, {}, {"last_attempt_at": at, "last_status": status, "last_error": error})

    # -- what a report shows besides KPIs ------------------------------------------------------------------

    async def top_earners(self, start: date, end: date, limit: int = 5) -> list[TopEarner]:
        scope_sql, params = self._tables.scope_filter(DAILY)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, SUM(ltz_earned) AS ltz FROM {DAILY} WHERE {scope_sql} AND day >= ? "
            "AND day <= ? GROUP BY discord_user_id HAVING SUM(ltz_earned) > 0 ORDER BY ltz DESC, discord_user_id "
            "LIMIT ?",
            [*params, start, end, limit],
        )
        return [TopEarner(str(r["discord_user_id"]), int(r["ltz"])) for r in rows]

    async def paid(self, start: date, end: date) -> tuple[int, int]:
        """(LTZ paid, payouts) in [start, end], real payouts only."""
        scope_sql, params = self._tables.scope_filter(DAILY)
        row = (
            await self._db.fetch_one(
                f"SELECT SUM(ltz_earned) AS ltz, SUM(rewards) AS n FROM {DAILY} WHERE {scope_sql} "
                "AND day >= ? AND day <= ?",
                [*params, start, end],
            )
            or {}
        )
        return _int(row.get("ltz")), _int(row.get("n"))

    async def achievements_completed(self, start: datetime, end: datetime) -> int:
        """Achievements completed in [start, end)."""
        return await self._tables.count(USER_ACHIEVEMENTS, {"completed_at": (">=", start)}) - await self._tables.count(
            USER_ACHIEVEMENTS, {"completed_at": (">=", end)}
        )

    async def goals(self) -> list[GoalProgress]:
        """Every community goal, oldest first."""
        rows = await self._tables.select(GOALS, order_by=("created_at",))
        return [
            GoalProgress(
                str(r["name"]),
                float(r.get("target_value") or 0),
                float(r.get("current_value") or 0),
                _day(r.get("deadline")),
                as_utc(r.get("completed_at")),
            )
            for r in rows
        ]
