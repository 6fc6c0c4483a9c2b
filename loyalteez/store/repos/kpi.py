"""KPI snapshots, targets and alert states.

Snapshots are written once per (server, date, type) with ON CONFLICT DO NOTHING, so two scheduler runs (a
restart racing the midnight job) cannot write a period twice. A target is one row per metric; its alert
state lives in its own table so a restart neither repeats an alert nor forgets one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos.analytics_kpis import DAILY, _day, _int
from loyalteez.store.repos.base import Repository

SNAPSHOTS = "discord_kpi_snapshots"
TARGETS = "discord_kpi_configs"
ALERTS = "loyalteez_kpi_alerts"
DEFAULT_PERIOD = "week"
DEFAULT_THRESHOLD = 80


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One written KPI snapshot: the metrics of a day, and for weekly/monthly ones the period block."""

    snapshot_date: date
    snapshot_type: str
    metrics: dict[str, Any]


@dataclass(frozen=True, slots=True)
class KpiTarget:
    """A metric's target as stored; a missing period or threshold reads as the /kpi set defaults."""

    metric: str
    target_value: float
    period: str
    alert_threshold: float
    is_active: bool


@dataclass(frozen=True, slots=True)
class AlertState:
    metric: str
    alerting: bool
    last_value: float | None
    checked_on: date | None


def _snapshot(row: Mapping[str, Any]) -> Snapshot:
    day = _day(row["snapshot_date"])
    assert day is not None  # the column is NOT NULL
    return Snapshot(day, str(row["snapshot_type"]), dict(row["metrics"] or {}))


def _target(row: Mapping[str, Any]) -> KpiTarget:
    threshold = row.get("alert_threshold")
    return KpiTarget(
        str(row["metric"]),
        float(row["target_value"]),
        row.get("period") or DEFAULT_PERIOD,
        float(threshold if threshold is not None else DEFAULT_THRESHOLD),
        bool(row.get("is_active", True)),
    )


class KpiRepository(Repository):
    """KPI snapshots, targets and alert states of one server."""

    # -- snapshots -----------------------------------------------------------------------------------------

    async def write_snapshot(self, row_id: str, day: date, kind: str, metrics: Mapping[str, Any]) -> bool:
        """Write a snapshot unless that (date, type) exists; True when this call wrote it."""
        return await self._tables.insert(
            SNAPSHOTS,
            {"id": row_id, "snapshot_date": day, "snapshot_type": kind, "metrics": dict(metrics)},
            ignore_conflict=True,
        )

    async def last_snapshot(self, kind: str) -> date | None:
        scope_sql, params = self._tables.scope_filter(SNAPSHOTS)
        return _day(
            await self._db.fetch_value(
                f"SELECT MAX(snapshot_date) FROM {SNAPSHOTS} WHERE {scope_sql} AND snapshot_type = ?", [*params, kind]
            )
        )

    async def snapshots(self, kind: str | None, start: date | None = None, end: date | None = None) -> list[Snapshot]:
        """Snapshots in [start, end] (either open), oldest first."""
        where: dict[str, Any] = {}
        if kind is not None:
            where["snapshot_type"] = kind
        rows = await self._tables.select(SNAPSHOTS, where, order_by=("snapshot_date", "snapshot_type"))
        return [
            _snapshot(r)
            for r in rows
            if (start is None or r["snapshot_date"] >= start) and (end is None or r["snapshot_date"] <= end)
        ]

    async def snapshot_keys(self, start: date, end: date) -> set[tuple[date, str]]:
        """(date, type) of every snapshot dated in [start, end]."""
        scope_sql, params = self._tables.scope_filter(SNAPSHOTS)
        rows = await self._db.fetch_all(
            f"SELECT snapshot_date, snapshot_type FROM {SNAPSHOTS} WHERE {scope_sql} AND snapshot_date >= ? "
            "AND snapshot_date <= ?",
            [*params, start, end],
        )
        keys: set[tuple[date, str]] = set()
        for r in rows:
            day = _day(r["snapshot_date"])
            if day is not None:
                keys.add((day, str(r["snapshot_type"])))
        return keys

    async def daily_metrics(self, start: date, end: date) -> dict[date, dict[str, Any]]:
        """day -> the daily snapshot's metrics, for days in [start, end]."""
        scope_sql, params = self._tables.scope_filter(SNAPSHOTS)
        rows = await self._db.fetch_all(
            f"SELECT snapshot_date, metrics FROM {SNAPSHOTS} WHERE {scope_sql} AND snapshot_type = ? "
            "AND snapshot_date >= ? AND snapshot_date <= ?",
            [*params, "daily", start, end],
        )
        found: dict[date, dict[str, Any]] = {}
        for r in rows:
            day = _day(r["snapshot_date"])
            if day is not None:
                found[day] = r["metrics"] or {}
        return found

    async def daily_paid(self) -> dict[date, int]:
        """LTZ paid per UTC day (real payouts only), for what-if charts; days without payouts are absent."""
        scope_sql, params = self._tables.scope_filter(DAILY)
        rows = await self._db.fetch_all(
            f"SELECT day, SUM(ltz_earned) AS ltz FROM {DAILY} WHERE {scope_sql} GROUP BY day ORDER BY day", params
        )
        found: dict[date, int] = {}
        for r in rows:
            day = _day(r["day"])
            if day is not None:
                found[day] = _int(r["ltz"])
        return found

    # -- targets -------------------------------------------------------------------------------------------

    async def targets(self, active_only: bool = False) -> list[KpiTarget]:
        """Every target (or only those alerting is on for), by metric name."""
        rows = await self._tables.select(TARGETS, {"is_active": True} if active_only else None, order_by=("metric",))
        return [_target(r) for r in rows]

    async def target(self, metric: str) -> KpiTarget | None:
        row = await self._tables.get(TARGETS, {"metric": metric})
        return None if row is None else _target(row)

    async def target_snapshot(self, metric: str) -> dict[str, Any] | None:
        """The target's stored row as it is, for the audit trail's before/after."""
        return await self._tables.get(TARGETS, {"metric": metric})

    async def save_target(self, row_id: str, metric: str, value: float, period: str, threshold: float) -> None:
        """Create or replace a metric's target, turned on; a new target starts with a clean alert state."""
        await self._tables.upsert(
            TARGETS,
            {
                "id": row_id,
                "metric": metric,
                "target_value": value,
                "period": period,
                "alert_threshold": threshold,
                "is_active": True,
            },
            key=("server_id", "metric"),
            update=("target_value", "period", "alert_threshold", "is_active", "updated_at"),
        )
        await self._tables.delete(ALERTS, {"metric": metric})

    async def set_target_active(self, metric: str, active: bool) -> None:
        await self._tables.update(TARGETS, {"metric": metric}, {"is_active": active})

    async def remove_target(self, metric: str) -> None:
        """Delete a target and its alert state."""
        await self._tables.delete(TARGETS, {"metric": metric})
        await self._tables.delete(ALERTS, {"metric": metric})

    # -- alert states --------------------------------------------------------------------------------------

    async def alert_states(self) -> dict[str, AlertState]:
        return {
            str(r["metric"]): AlertState(
                str(r["metric"]),
                bool(r.get("alerting")),
                None if r.get("last_value") is None else float(r["last_value"]),
                _day(r.get("checked_on")),
            )
            for r in await self._tables.select(ALERTS)
        }

    async def set_alert_state(
        self, metric: str, alerting: bool, value: float | None, day: date, changed_at: datetime | None
    ) -> None:
        row: dict[str, Any] = {"metric": metric, "alerting": alerting, "last_value": value, "checked_on": day}
        update = ["alerting", "last_value", "checked_on"]
        if changed_at is not None:
            row["changed_at"] = changed_at
            update.append("changed_at")
        await self._tables.upsert(ALERTS, row, key=("server_id", "brand_id", "metric"), update=update)
