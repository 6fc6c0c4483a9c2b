"""SQL behind KPI snapshots, targets and alerts, report schedules and member segments (analytics, issue 7).

Snapshots are written once per (server, date, type) with ON CONFLICT DO NOTHING, so two scheduler runs (a
restart racing the midnight job) cannot write a period twice. Segment reads are one grouped query each over
the member table or the last seven days of rollups.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.store._tables import ScopedTables
from loyalteez.store.analytics_store import DAILY, MEMBERS, STATS, _day, _int
from loyalteez.store.database import Row
from loyalteez.store.values import as_utc

SNAPSHOTS = "discord_kpi_snapshots"
TARGETS = "discord_kpi_configs"
ALERTS = "loyalteez_kpi_alerts"
SCHEDULES = "discord_report_schedules"
REPORT_STATE = "loyalteez_report_state"
LEDGER = "loyalteez_reward_ledger"


class KpiStoreMixin(ScopedTables):
    # -- snapshots -----------------------------------------------------------------------------------------

    async def kpi_write_snapshot(self, row_id: str, day: date, kind: str, metrics: Mapping[str, Any]) -> bool:
        """Write a snapshot unless that (date, type) exists; True when this call wrote it."""
        return await self.insert(
            SNAPSHOTS,
            {"id": row_id, "snapshot_date": day, "snapshot_type": kind, "metrics": dict(metrics)},
            ignore_conflict=True,
        )

    async def kpi_last_snapshot(self, kind: str) -> date | None:
        scope_sql, params = self.scope_filter(SNAPSHOTS)
        return _day(
            await self.db.fetch_value(
                f"SELECT MAX(snapshot_date) FROM {SNAPSHOTS} WHERE {scope_sql} AND snapshot_type = ?", [*params, kind]
            )
        )

    async def kpi_snapshots(self, kind: str | None, start: date | None = None, end: date | None = None) -> list[Row]:
        """Snapshots in [start, end] (either open), oldest first."""
        where: dict[str, Any] = {}
        if kind is not None:
            where["snapshot_type"] = kind
        rows = await self.select(SNAPSHOTS, where, order_by=("snapshot_date", "snapshot_type"))
        return [
            r
            for r in rows
            if (start is None or r["snapshot_date"] >= start) and (end is None or r["snapshot_date"] <= end)
        ]

    async def kpi_snapshot_keys(self, start: date, end: date) -> set[tuple[date, str]]:
        """(date, type) of every snapshot dated in [start, end]."""
        scope_sql, params = self.scope_filter(SNAPSHOTS)
        rows = await self.db.fetch_all(
            f"SELECT snapshot_date, snapshot_type FROM {SNAPSHOTS} WHERE {scope_sql} AND snapshot_date >= ? "
            "AND snapshot_date <= ?",
            [*params, start, end],
        )
        return {(_day(r["snapshot_date"]), r["snapshot_type"]) for r in rows}

    async def kpi_daily_metrics(self, start: date, end: date) -> dict[date, dict[str, Any]]:
        """day -> the daily snapshot's metrics, for days in [start, end]."""
        scope_sql, params = self.scope_filter(SNAPSHOTS)
        rows = await self.db.fetch_all(
            f"SELECT snapshot_date, metrics FROM {SNAPSHOTS} WHERE {scope_sql} AND snapshot_type = ? "
            "AND snapshot_date >= ? AND snapshot_date <= ?",
            [*params, "daily", start, end],
        )
        return {_day(r["snapshot_date"]): (r["metrics"] or {}) for r in rows}

    # -- targets and their alert state --------------------------------------------------------------------

    async def kpi_targets(self, active_only: bool = False) -> list[Row]:
        rows = await self.select(TARGETS, {"is_active": True} if active_only else None, order_by=("metric",))
        return rows

    async def kpi_alert_states(self) -> dict[str, Row]:
        return {r["metric"]: r for r in await self.select(ALERTS)}

    async def kpi_set_alert_state(
        self, metric: str, alerting: bool, value: float | None, day: date, changed_at: datetime | None
    ) -> None:
        row: dict[str, Any] = {"metric": metric, "alerting": alerting, "last_value": value, "checked_on": day}
        update = ["alerting", "last_value", "checked_on"]
        if changed_at is not None:
            row["changed_at"] = changed_at
            update.append("changed_at")
        await self.upsert(ALERTS, row, key=("server_id", "brand_id", "metric"), update=update)

    # -- report schedule and delivery state -------------------------------------------------------------------

    async def report_schedule(self) -> Row | None:
        schedule = await self.get(SCHEDULES, {})
        if schedule is None:
            return None
        state = await self.get(REPORT_STATE, {}) or {}
        return {
            **schedule,
            "active_since": state.get("active_since"),
            "last_attempt_at": state.get("last_attempt_at"),
            "last_status": state.get("last_status"),
            "last_error": state.get("last_error"),
        }

    async def report_save_schedule(self, values: Mapping[str, Any], active_since: datetime) -> None:
        await self.upsert(SCHEDULES, dict(values), key=("server_id",))
        await self.upsert(
            REPORT_STATE,
            {"active_since": active_since, "last_attempt_at": None, "last_status": None, "last_error": None},
            key=("server_id",),
        )

    async def report_record_attempt(self, at: datetime, status: str, error: str | None) -> None:
        if status == "sent":
            await self.update(SCHEDULES, {}, {"last_sent_at": at})
        await self.update(REPORT_STATE, {}, {"last_attempt_at": at, "last_status": status, "last_error": error})

    # -- segments -------------------------------------------------------------------------------------------

    def _segment_source(self, segment: str, today: date, now: datetime) -> tuple[str, list[Any]]:
        """SELECT discord_user_id, value for one segment (names are analytics' SEGMENTS, never user text)."""
        week_start, month_ago = today - timedelta(days=6), today - timedelta(days=30)
        if segment in ("power_users", "voice_regulars"):
            scope_sql, params = self.scope_filter(DAILY)
            value, having = (
                ("COUNT(*)", "COUNT(*) >= 5")
                if segment == "power_users"
                else ("SUM(voice_sessions)", "SUM(voice_sessions) >= 5")
            )
            return (
                f"SELECT discord_user_id, {value} AS value FROM {DAILY} WHERE {scope_sql} AND day >= ? "
                f"AND day <= ? GROUP BY discord_user_id HAVING {having}",
                [*params, week_start, today],
            )
        scope_sql, params = self.scope_filter(MEMBERS)
        if segment == "whales":
            stats_sql, params = self.scope_filter(STATS)
            return (
                "SELECT discord_user_id, value FROM (SELECT discord_user_id, ltz_earned AS value, "
                "ROW_NUMBER() OVER (ORDER BY ltz_earned DESC, discord_user_id) AS position, "
                f"COUNT(*) OVER () AS earners FROM {STATS} WHERE {stats_sql} AND ltz_earned > 0) ranked "
                "WHERE position * 10 <= earners + 9",
                params,
            )
        if segment == "new":
            return (
                f"SELECT discord_user_id, entered_at AS value FROM {MEMBERS} WHERE {scope_sql} AND entered_at > ?",
                [*params, now - timedelta(days=7)],
            )
        if segment == "at_risk":
            return (
                f"SELECT discord_user_id, last_active_on AS value FROM {MEMBERS} WHERE {scope_sql} "
                "AND last_active_on <= ? AND last_active_on > ?",
                [*params, today - timedelta(days=7), month_ago],
            )
        if segment == "dormant":
            return (
                f"SELECT discord_user_id, last_active_on AS value FROM {MEMBERS} WHERE {scope_sql} "
                "AND last_active_on <= ?",
                [*params, month_ago],
            )
        raise ValueError(f"unknown segment {segment!r}")

    async def segment_count(self, segment: str, today: date, now: datetime) -> int:
        source, params = self._segment_source(segment, today, now)
        return _int(await self.db.fetch_value(f"SELECT COUNT(*) FROM ({source}) segment", params))

    async def segment_page(self, segment: str, today: date, now: datetime, limit: int, offset: int) -> list[Row]:
        """One page of a segment, largest value (or most recent date) first."""
        source, params = self._segment_source(segment, today, now)
        rows = await self.db.fetch_all(
            f"SELECT discord_user_id, value FROM ({source}) segment ORDER BY value DESC, discord_user_id "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        if segment == "new":
            return [{**r, "value": as_utc(r["value"])} for r in rows]
        if segment in ("at_risk", "dormant"):
            return [{**r, "value": _day(r["value"])} for r in rows]
        return [{**r, "value": _int(r["value"])} for r in rows]

    # -- what a report shows besides KPIs ------------------------------------------------------------------

    async def report_top_earners(self, start: date, end: date, limit: int = 5) -> list[Row]:
        scope_sql, params = self.scope_filter(DAILY)
        return await self.db.fetch_all(
            f"SELECT discord_user_id, SUM(ltz_earned) AS ltz FROM {DAILY} WHERE {scope_sql} AND day >= ? "
            "AND day <= ? GROUP BY discord_user_id HAVING SUM(ltz_earned) > 0 ORDER BY ltz DESC, discord_user_id "
            "LIMIT ?",
            [*params, start, end, limit],
        )

    async def report_paid(self, start: date, end: date) -> tuple[int, int]:
        """(LTZ paid, payouts) in [start, end], real payouts only."""
        scope_sql, params = self.scope_filter(DAILY)
        row = (
            await self.db.fetch_one(
                f"SELECT SUM(ltz_earned) AS ltz, SUM(rewards) AS n FROM {DAILY} WHERE {scope_sql} "
                "AND day >= ? AND day <= ?",
                [*params, start, end],
            )
            or {}
        )
        return _int(row.get("ltz")), _int(row.get("n"))

    async def kpi_daily_paid(self) -> dict[date, int]:
        """LTZ paid per UTC day (real payouts only), for what-if charts; days without payouts are absent."""
        scope_sql, params = self.scope_filter(DAILY)
        rows = await self.db.fetch_all(
            f"SELECT day, SUM(ltz_earned) AS ltz FROM {DAILY} WHERE {scope_sql} GROUP BY day ORDER BY day", params
        )
        return {_day(r["day"]): _int(r["ltz"]) for r in rows}

    async def report_achievements_completed(self, start: datetime, end: datetime) -> int:
        return await self.count("discord_user_achievements", {"completed_at": (">=", start)}) - await self.count(
            "discord_user_achievements", {"completed_at": (">=", end)}
        )

    async def report_goals(self) -> list[Row]:
        rows = await self.select("discord_community_goals", order_by=("created_at",))
        return [{**r, "completed_at": as_utc(r.get("completed_at"))} for r in rows]
