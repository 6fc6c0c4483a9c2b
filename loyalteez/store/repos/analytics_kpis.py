"""The KPIs' reads over the daily rollups: a day's window, lifetime LTZ, cohorts, streaks and periods.

Each read aggregates a bounded window of days (at most the last 14, or the few days a check-in streak can
span), plus the lifetime LTZ in discord_user_stats, so a snapshot's cost does not grow with the server's
history. The rollups themselves are written by AnalyticsRepository (analytics.py) inside the rewards batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos.base import Repository
from loyalteez.store.values import as_utc

DAILY = "loyalteez_activity_daily"
MEMBERS = "loyalteez_member_analytics"
STATS = "discord_user_stats"  # lifetime LTZ per member, kept by the rewards engine


def _day(value: Any) -> date | None:
    """MAX(day) comes back as ISO text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _int(value: Any) -> int:
    return int(value or 0)


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """One server's activity around a day D, from the rollups of D-13..D."""

    dau: int  # members who earned on D
    active_any: int  # members with any counted activity or payout on D
    dau_voice: int  # members who earned on D and had voice minutes on D
    rewards_today: int  # payouts on D
    ltz_today: int
    wau: int  # members who earned in D-6..D
    ltz_week: int
    previous_active: int  # members who earned in D-13..D-7
    churned: int  # ... and not in D-6..D
    earners_14d: int  # members who earned in D-13..D
    payouts_14d: int  # their payouts in D-13..D
    regulars_14d: int  # ... those with 3 or more


@dataclass(frozen=True, slots=True)
class LifetimeCounts:
    """Every member's LTZ earned up to the end of a day: their lifetime total minus what came after."""

    earners: int
    ltz_total: int
    top_decile_ltz: int  # LTZ held by the top ceil(10 %) of earners


@dataclass(frozen=True, slots=True)
class StreakCounts:
    alive_start: int  # streaks alive at the start of D
    retained: int  # ... still alive at its end
    alive_end: int  # every streak alive at the end of D (new ones included)
    streak_total: int  # sum of those streaks' lengths


@dataclass(frozen=True, slots=True)
class CohortMember:
    """A member who became known (joined or first seen) in a window, and when they were first paid."""

    member_id: str
    entered_at: datetime
    first_reward_at: datetime | None


@dataclass(frozen=True, slots=True)
class PeriodTotals:
    """Totals over a span of days: who earned, who took part, what was paid."""

    active_members: int  # distinct members who earned
    active_any: int  # distinct members with any counted activity
    ltz_paid: int
    payouts: int


class KpiReads(Repository):
    """Grouped reads of one server's rollups, the KPIs' only source (AnalyticsRepository adds the writes)."""

    # -- reads for the metrics of one day -------------------------------------------------------------------

    async def window(self, day: date, week_start: date, previous_start: date) -> WindowCounts:
        """Counts around `day` in one pass over the rollups of previous_start..day (14 days for D)."""
        scope_sql, scope_params = self._tables.scope_filter(DAILY)
        today = (
            await self._db.fetch_one(
                "SELECT COUNT(*) AS active_any, SUM(CASE WHEN rewards > 0 THEN 1 ELSE 0 END) AS dau, "
                "SUM(CASE WHEN rewards > 0 AND voice_minutes > 0 THEN 1 ELSE 0 END) AS dau_voice, "
                f"SUM(rewards) AS rewards, SUM(ltz_earned) AS ltz FROM {DAILY} WHERE {scope_sql} AND day = ?",
                [*scope_params, day],
            )
            or {}
        )
        # Per member: first and last day they earned in the window (churned = earned before week_start
        # only) and their payouts in it: one pass over the window's earning rows.
        spread = (
            await self._db.fetch_one(
                "SELECT SUM(CASE WHEN last_day >= ? THEN 1 ELSE 0 END) AS wau, "
                "SUM(CASE WHEN first_day < ? THEN 1 ELSE 0 END) AS previous_active, "
                "SUM(CASE WHEN last_day < ? THEN 1 ELSE 0 END) AS churned, COUNT(*) AS earners, SUM(n) AS payouts, "
                "SUM(CASE WHEN n >= 3 THEN 1 ELSE 0 END) AS regulars FROM ("
                "SELECT discord_user_id, MIN(day) AS first_day, MAX(day) AS last_day, SUM(rewards) AS n "
                f"FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ? AND rewards > 0 "
                "GROUP BY discord_user_id) earned",
                [week_start, week_start, week_start, *scope_params, previous_start, day],
            )
            or {}
        )
        ltz_week = await self._db.fetch_value(
            f"SELECT COALESCE(SUM(ltz_earned), 0) FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ?",
            [*scope_params, week_start, day],
        )
        return WindowCounts(
            dau=_int(today.get("dau")),
            active_any=_int(today.get("active_any")),
            dau_voice=_int(today.get("dau_voice")),
            rewards_today=_int(today.get("rewards")),
            ltz_today=_int(today.get("ltz")),
            wau=_int(spread.get("wau")),
            ltz_week=_int(ltz_week),
            previous_active=_int(spread.get("previous_active")),
            churned=_int(spread.get("churned")),
            earners_14d=_int(spread.get("earners")),
            payouts_14d=_int(spread.get("payouts")),
            regulars_14d=_int(spread.get("regulars")),
        )

    async def lifetime(self, day: date) -> LifetimeCounts:
        """LTZ earned up to the end of `day`: each member's lifetime LTZ (discord_user_stats, real payouts only,
        since the server was connected) minus what the rollups say they earned after that day."""
        stats_sql, stats_params = self._tables.scope_filter(STATS, "s")
        daily_sql, daily_params = self._tables.scope_filter(DAILY)
        totals = (
            "SELECT s.ltz_earned - COALESCE(later.ltz, 0) AS ltz "
            f"FROM {STATS} s LEFT JOIN (SELECT discord_user_id, SUM(ltz_earned) AS ltz "
            f"FROM {DAILY} WHERE {daily_sql} AND day > ? GROUP BY discord_user_id) later "
            f"ON later.discord_user_id = s.discord_user_id WHERE {stats_sql}"
        )
        row = (
            await self._db.fetch_one(
                "SELECT COUNT(*) AS earners, SUM(ltz) AS ltz, "
                "SUM(CASE WHEN position * 10 <= earners_all + 9 THEN ltz ELSE 0 END) AS top_ltz FROM ("
                "SELECT ltz, ROW_NUMBER() OVER (ORDER BY ltz DESC) AS position, COUNT(*) OVER () AS earners_all "
                f"FROM ({totals}) totals WHERE ltz > 0) ranked",
                [*daily_params, day, *stats_params],
            )
            or {}
        )
        return LifetimeCounts(
            earners=_int(row.get("earners")), ltz_total=_int(row.get("ltz")), top_decile_ltz=_int(row.get("top_ltz"))
        )

    async def cohort(self, start: datetime, end: datetime) -> list[CohortMember]:
        """Members who became known in [start, end): when, and when they were first paid."""
        scope_sql, scope_params = self._tables.scope_filter(MEMBERS)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, entered_at, first_reward_at FROM {MEMBERS} WHERE {scope_sql} "
            "AND entered_at >= ? AND entered_at < ?",
            [*scope_params, start, end],
        )
        cohort = []
        for r in rows:
            entered = as_utc(r["entered_at"])
            if entered is not None:  # the filter above already excludes NULL
                cohort.append(CohortMember(str(r["discord_user_id"]), entered, as_utc(r["first_reward_at"])))
        return cohort

    async def streaks(self, day: date, start_from: date, end_from: date) -> StreakCounts:
        """Check-in streaks around `day`: alive at its start if the last earlier check-in is on or after
        `start_from`; alive at its end if checked in on `day` or the last check-in is on or after `end_from`."""
        scope_sql, scope_params = self._tables.scope_filter(DAILY)
        row = (
            await self._db.fetch_one(
                "SELECT SUM(CASE WHEN last_before >= ? THEN 1 ELSE 0 END) AS alive_start, "
                "SUM(CASE WHEN last_before >= ? AND (today = 1 OR last_before >= ?) THEN 1 ELSE 0 END) AS retained, "
                "SUM(CASE WHEN today = 1 OR last_before >= ? THEN 1 ELSE 0 END) AS alive_end, "
                "SUM(CASE WHEN today = 1 OR last_before >= ? THEN streak ELSE 0 END) AS streak_total FROM ("
                "SELECT discord_user_id, MAX(CASE WHEN day < ? THEN day END) AS last_before, "
                "MAX(CASE WHEN day = ? THEN 1 ELSE 0 END) AS today, "
                "MAX(CASE WHEN day >= ? THEN streak ELSE 0 END) AS streak "
                f"FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ? AND checkins > 0 "
                "GROUP BY discord_user_id) checked",
                [
                    start_from,
                    start_from,
                    end_from,
                    end_from,
                    end_from,
                    day,
                    day,
                    end_from,
                    *scope_params,
                    start_from,
                    day,
                ],
            )
            or {}
        )
        return StreakCounts(
            alive_start=_int(row.get("alive_start")),
            retained=_int(row.get("retained")),
            alive_end=_int(row.get("alive_end")),
            streak_total=_int(row.get("streak_total")),
        )

    async def period(self, start: date, end: date) -> PeriodTotals:
        """Totals over [start, end]: distinct members who earned, with any activity; LTZ and payouts."""
        scope_sql, scope_params = self._tables.scope_filter(DAILY)
        row = (
            await self._db.fetch_one(
                "SELECT COUNT(DISTINCT CASE WHEN rewards > 0 THEN discord_user_id END) AS active_members, "
                "COUNT(DISTINCT discord_user_id) AS active_any, SUM(ltz_earned) AS ltz_paid, SUM(rewards) AS payouts "
                f"FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ?",
                [*scope_params, start, end],
            )
            or {}
        )
        return PeriodTotals(*(_int(row.get(k)) for k in ("active_members", "active_any", "ltz_paid", "payouts")))
