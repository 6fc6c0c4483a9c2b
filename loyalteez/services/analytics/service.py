"""The analytics facade the adapter holds: the scheduler's jobs, and the reads behind /kpi, /segments, /report.

Two jobs, both idempotent and driven by what the database is missing:
  snapshots  00:00 UTC  every connected server: catch up the daily/weekly/monthly snapshots of periods that
                        ended, then compare KPI targets with the newest day and post alerts/recoveries
  reports    00:05 UTC  every connected server with a report schedule that is due: post it
Each run that did something for a server writes one audit row for it (actor_type 'system').
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.clock import Clock, utc_day
from loyalteez.services.access import audit
from loyalteez.services.analytics import messages, reports, snapshots, targets
from loyalteez.services.analytics.metrics import METRICS, day_metrics, period_value
from loyalteez.services.analytics.ports import Poster, PostResult
from loyalteez.services.analytics.rollups import record_join
from loyalteez.services.analytics.scheduler import Job, Scheduler
from loyalteez.services.analytics.streak_rules import grace_hours
from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, ServerStore, Store

log = logging.getLogger("loyalteez.analytics")
SPARK_DAYS = 14


@dataclass(frozen=True, slots=True)
class MetricLine:
    metric: str
    now: float | None  # today so far
    period_value: float | None  # the target's period (default: 7 days) ending yesterday
    previous: float | None  # the period before that
    spark: str
    target: targets.Target | None


class Analytics:
    def __init__(self, store: Store, clock: Clock, *, flush: Callable[[], Awaitable[None]] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.flush = flush  # writes what the rewards writer still queues, so the day's rollups are complete
        self.poster: Poster | None = None
        self.scheduler = Scheduler(
            clock, [Job("snapshots", "0 0 * * *", self.snapshot_job), Job("reports", "5 0 * * *", self.report_job)]
        )

    # -- lifecycle ----------------------------------------------------------------------------------------

    def start(self, poster: Poster | None = None) -> None:
        """Attach the poster (the Discord adapter) and start the scheduler: its first run is the catch-up."""
        if poster is not None:
            self.poster = poster
        self.scheduler.start()

    async def stop(self) -> None:
        await self.scheduler.stop()

    async def wait_idle(self) -> None:
        await self.scheduler.wait_idle()

    async def run_due(self, now: datetime | None = None) -> list[str]:
        return await self.scheduler.run_due(now)

    # -- jobs -------------------------------------------------------------------------------------------------

    async def _servers(self) -> list[tuple[ServerStore, dict[str, Any]]]:
        rows = await self.store.active_servers()
        found = []
        for row in rows:
            data = self.store.scoped(Scope(row["brand_id"], row["server_id"]))
            config = await data.server.config()
            link = {"connected_at": config.connected_at, "config_metadata": config.config_metadata} if config else {}
            found.append((data, link))
        return found

    async def snapshot_job(self, now: datetime) -> None:
        if self.flush is not None:
            await self.flush()
        for data, config in await self._servers():
            try:
                await self.snapshot_server(data, config, now)
            except Exception as exc:  # one server's failure must not keep the others from their snapshots
                log.error("snapshots for server %s failed: %s: %s", data.scope.server_id, type(exc).__name__, exc)

    async def snapshot_server(self, data: ServerStore, config: dict[str, Any], now: datetime) -> list[str]:
        connected = config.get("connected_at")
        metadata = config.get("config_metadata") or {}
        grace = grace_hours(metadata if isinstance(metadata, dict) else {})
        written = await snapshots.catch_up(data, utc_day(now), utc_day(connected) if connected else None, grace)
        newest = max((w.day for w in written if w.kind == "daily"), default=None)
        changes: list[targets.Transition] = []
        if newest is not None:
            daily = await data.kpi_daily_metrics(newest - timedelta(days=90), newest)
            changes = await targets.evaluate(data, newest, daily, now)
            for change in changes:
                await reports.tell_admins(data, self.poster, change.text)
        if written or changes:
            await audit.record(
                data,
                actor_type="system",
                actor_id="system",
                action="analytics.snapshots",
                details={
                    "written": [f"{w.day.isoformat()} {w.kind}" for w in written],
                    "alerts": [c.metric for c in changes if c.alerting],
                    "recoveries": [c.metric for c in changes if not c.alerting],
                },
            )
        return [f"{w.day.isoformat()} {w.kind}" for w in written]

    async def report_job(self, now: datetime) -> None:
        for data, _config in await self._servers():
            try:
                schedule = await reports.current(data)
                if schedule is not None and schedule.is_due(now):
                    await reports.deliver(data, self.poster, schedule, now)
            except Exception as exc:
                log.error("report for server %s failed: %s: %s", data.scope.server_id, type(exc).__name__, exc)

    # -- /kpi ---------------------------------------------------------------------------------------------------

    async def kpi_lines(self, data: ServerStore) -> list[MetricLine]:
        """/kpi report: every metric today so far, the period value, its trend and a 14-day sparkline."""
        await self.run_due()  # what the scheduler would have done by now (a no-op when it is up to date)
        today = utc_day(self.clock.now())
        grace = grace_hours(await data.rewards.metadata())
        daily = await data.kpi_daily_metrics(today - timedelta(days=200), today - timedelta(days=1))
        live = await day_metrics(data, today, grace, daily)
        configured = {t.metric: t for t in await targets.list_targets(data)}
        lines = []
        for metric in METRICS:
            target = configured.get(metric.name)
            days = targets.PERIOD_DAYS[target.period] if target else 7
            yesterday = today - timedelta(days=1)
            spark = messages.sparkline(
                [
                    daily.get(yesterday - timedelta(days=SPARK_DAYS - 1 - i), {}).get(metric.name)
                    for i in range(SPARK_DAYS)
                ]
            )
            lines.append(
                MetricLine(
                    metric.name,
                    live.get(metric.name),
                    period_value(daily, metric.name, yesterday, days),
                    period_value(daily, metric.name, yesterday - timedelta(days=days), days),
                    spark,
                    target,
                )
            )
        return lines

    async def export(self, data: ServerStore, fmt: str, start: str | None) -> tuple[str, bytes]:
        """/kpi export: every snapshot since `start` (YYYY-MM-DD) as CSV or JSON; (file name, bytes)."""
        if fmt not in ("csv", "json"):
            raise ValidationError("format", messages.BAD_FORMAT)
        since = None
        if start:
            try:
                since = date.fromisoformat(start.strip())
            except ValueError:
                raise ValidationError("start_date", messages.BAD_DATE) from None
        rows = await data.kpi_snapshots(None, since)
        name = f"kpi-snapshots-{data.scope.server_id}.{fmt}"
        if fmt == "json":
            payload = [
                {
                    "snapshot_date": r["snapshot_date"].isoformat(),
                    "snapshot_type": r["snapshot_type"],
                    "metrics": r["metrics"],
                }
                for r in rows
            ]
            return name, json.dumps(payload, indent=1, sort_keys=True).encode()
        out = io.StringIO()
        writer = csv.writer(out)
        names = [m.name for m in METRICS]
        writer.writerow(["snapshot_date", "snapshot_type", *names])
        for r in rows:
            metrics = r["metrics"] or {}
            writer.writerow(
                [
                    r["snapshot_date"].isoformat(),
                    r["snapshot_type"],
                    *("" if metrics.get(n) is None else metrics[n] for n in names),
                ]
            )
        return name, out.getvalue().encode()

    # -- /report ------------------------------------------------------------------------------------------------

    async def report_now(self, data: ServerStore) -> tuple[reports.Schedule, PostResult]:
        schedule = await reports.current(data)
        if schedule is None:
            raise ValidationError("schedule", messages.NO_SCHEDULE)
        await self.run_due()
        return schedule, await reports.deliver(data, self.poster, schedule, self.clock.now(), manual=True)

    # -- the member-join listener -----------------------------------------------------------------------------

    async def member_joined(
        self, scope: Scope, member_id: str, is_bot: bool, joined_at: datetime | None = None
    ) -> None:
        """Discord's own join time when it has one (a replay's clock may have run past it), never the future."""
        if not is_bot:
            now = self.clock.now()
            await record_join(self.store.scoped(scope), member_id, min(joined_at, now) if joined_at else now)

    async def latest_snapshot(self, data: ServerStore) -> tuple[date, dict[str, Any]] | None:
        day = await data.kpi_last_snapshot("daily")
        if day is None:
            return None
        return day, (await data.kpi_daily_metrics(day, day)).get(day, {})
