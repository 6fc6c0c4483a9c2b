"""The analytics service the adapter holds: the scheduler's jobs, and /kpi, /segments and /report.

Commands take the caller's server (a Scope) and the caller; each checks the caller's level first, then
validates, then reads or changes the server's analytics.

Two jobs, both idempotent and driven by what the database is missing:
  snapshots  00:00 UTC  every connected server: catch up the daily/weekly/monthly snapshots of periods that
                        ended, then compare KPI targets with each day written, oldest first, and post the
                        alerts/recoveries
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

from loyalteez.clock import Clock, start_of_day, utc_day
from loyalteez.services.access import audit
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.analytics import dashboard, input, reports, segments, snapshots, targets, texts
from loyalteez.services.analytics.metrics import KPIS, day_metrics, period_value
from loyalteez.services.analytics.ports import Poster, PostResult, nonce_of
from loyalteez.services.analytics.rollups import record_join
from loyalteez.services.analytics.scheduler import Job, Scheduler
from loyalteez.services.analytics.streak_rules import grace_hours
from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, ScopedData, Store

log = logging.getLogger("loyalteez.analytics")
SPARK_DAYS = 14
FLUSHES = 3  # flushes of the rewards writer a snapshot run waits for, at most, before it defers a day


@dataclass(frozen=True, slots=True)
class MetricLine:
    metric: str
    now: float | None  # today so far
    period_value: float | None  # the target's period (default: 7 days) ending yesterday
    previous: float | None  # the period before that
    spark: str
    target: targets.Target | None


def metric_field(line: MetricLine) -> tuple[str, str]:
    """One KPI of /kpi report as (name, text): today so far, the period value and trend, target, sparkline."""
    target = line.target
    text = texts.kpi_values(line.metric, line.now, line.period_value, line.previous, target.period if target else None)
    if target is not None:
        wrong = None if line.period_value is None else target.wrong_side(line.period_value)
        text += texts.kpi_target(line.metric, target.target, wrong, target.active)
    return texts.kpi_name(line.metric), f"{text}\n`{line.spark}`"


class Analytics:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        flush: Callable[[], Awaitable[None]] | None = None,
        held: Callable[[], datetime | None] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.flush = flush  # writes what the rewards writer still queues, so the day's rollups are complete
        self.held = held  # the earliest posting time among events the writer still holds (None: none)
        # Called with the last midnight before snapshots are written: work still holding an ended day's
        # activity hands it over (voice stays still open are closed at midnight and go on).
        self.before_snapshots: list[Callable[[datetime], Awaitable[object]]] = []
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

    async def _servers(self) -> list[tuple[ScopedData, dict[str, Any]]]:
        rows = await self.store.active_servers()
        found = []
        for row in rows:
            data = self.store.scoped(Scope(row["brand_id"], row["server_id"]))
            config = await data.server.config()
            link = {"connected_at": config.connected_at, "config_metadata": config.config_metadata} if config else {}
            found.append((data, link))
        return found

    async def snapshot_job(self, now: datetime) -> None:
        for hand_over in self.before_snapshots:
            try:
                await hand_over(start_of_day(utc_day(now)))
            except Exception as exc:  # the snapshots still go ahead with what is there
                log.error("before snapshots: %s: %s", type(exc).__name__, exc)
        today = await self._settled_day(utc_day(now))
        for data, config in await self._servers():
            try:
                await self.snapshot_server(data, config, now, today)
            except Exception as exc:  # one server's failure must not keep the others from their snapshots
                log.error("snapshots for server %s failed: %s: %s", data.scope.server_id, type(exc).__name__, exc)

    async def _settled_day(self, today: date) -> date:
        """The first day whose snapshot must still wait: today, or an earlier day whose events the rewards
        writer still holds after a few flushes (a day's snapshot is never written while they are processed;
        the scheduler's next run, at most a minute later, writes it)."""
        for _ in range(FLUSHES):
            if self.flush is not None:
                await self.flush()
            oldest = self.held() if self.held is not None else None
            if oldest is None or utc_day(oldest) >= today:
                return today
        log.warning("snapshots from %s wait: the rewards writer still holds events of that day", oldest)
        self.scheduler.run_again()
        return utc_day(oldest) if oldest is not None else today

    async def snapshot_server(
        self, data: ScopedData, config: dict[str, Any], now: datetime, today: date | None = None
    ) -> list[str]:
        """Write the server's missing snapshots of days before `today` (default: now's day), then alerts."""
        connected = config.get("connected_at")
        metadata = config.get("config_metadata") or {}
        grace = grace_hours(metadata if isinstance(metadata, dict) else {})
        today = today or utc_day(now)
        written = await snapshots.catch_up(data, today, utc_day(connected) if connected else None, grace)
        days = sorted({w.day for w in written if w.kind == "daily"})
        changes: list[targets.Transition] = []
        if days:
            # Every caught-up day in date order, as if the bot had been up: a recovery on one missed day and
            # a new alert on the next are both posted, once each.
            daily = await data.kpi.daily_metrics(days[0] - timedelta(days=90), days[-1])
            for day in days:
                for change in await targets.evaluate(data, day, daily, now):
                    changes.append(change)
                    nonce = nonce_of("kpi", data.scope.server_id, change.metric, day.isoformat(), change.alerting)
                    await reports.tell_admins(data, self.poster, change.text, nonce=nonce)
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

    # -- /kpi targets -------------------------------------------------------------------------------------------

    async def set_target(
        self,
        scope: Scope,
        caller: Caller,
        metric: str,
        target: str | float,
        period: str | None,
        threshold: float | None,
    ) -> targets.Target:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        return await targets.set_target(data, caller.user_id, metric, target, period, threshold)

    async def list_targets(self, scope: Scope, caller: Caller) -> list[targets.Target]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await targets.list_targets(data)

    async def set_target_active(self, scope: Scope, caller: Caller, metric: str, active: bool) -> targets.Target:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        return await targets.set_active(data, caller.user_id, metric, active)

    async def remove_target(self, scope: Scope, caller: Caller, metric: str) -> str:
        """Remove a metric's target; returns the metric's name as typed, tidied."""
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        await targets.remove_target(data, caller.user_id, metric)
        return metric.strip().lower()

    # -- /kpi report and export ---------------------------------------------------------------------------------

    async def kpi_report(self, scope: Scope, caller: Caller) -> list[tuple[str, str]]:
        """/kpi report: one (name, text) field per KPI, in the registry's order."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return [metric_field(line) for line in await self.kpi_lines(data)]

    async def kpi_lines(self, data: ScopedData) -> list[MetricLine]:
        """Every KPI today so far, the period value, its trend and a 14-day sparkline."""
        await self.run_due()  # what the scheduler would have done by now (a no-op when it is up to date)
        today = utc_day(self.clock.now())
        grace = grace_hours(await data.rewards.metadata())
        daily = await data.kpi.daily_metrics(today - timedelta(days=200), today - timedelta(days=1))
        live = await day_metrics(data, today, grace, daily)
        configured = {t.metric: t for t in await targets.list_targets(data)}
        lines = []
        for kpi in KPIS:
            target = configured.get(kpi.name)
            days = input.PERIOD_DAYS[target.period] if target else 7
            yesterday = today - timedelta(days=1)
            spark = texts.sparkline(
                [daily.get(yesterday - timedelta(days=SPARK_DAYS - 1 - i), {}).get(kpi.name) for i in range(SPARK_DAYS)]
            )
            lines.append(
                MetricLine(
                    kpi.name,
                    live.get(kpi.name),
                    period_value(daily, kpi.name, yesterday, days),
                    period_value(daily, kpi.name, yesterday - timedelta(days=days), days),
                    spark,
                    target,
                )
            )
        return lines

    async def kpi_dashboard(
        self, scope: Scope, caller: Caller, days: str | int | None
    ) -> tuple[int, list[dashboard.KpiTrend]]:
        """The web's KPI dashboard: each KPI's daily snapshots over 7, 30 or 90 days, target and alert state."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        window = dashboard.window_days(days)
        # No catch-up here (unlike /kpi report): a page view never starts a snapshot run; the scheduler writes them.
        return window, await dashboard.kpi_trends(data, utc_day(self.clock.now()), window)

    async def export(self, scope: Scope, caller: Caller, fmt: str, start: str | None) -> tuple[str, bytes]:
        """/kpi export: every snapshot since `start` (YYYY-MM-DD) as CSV or JSON; (file name, bytes)."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        fmt = input.export_format(fmt)
        since = input.export_start(start)
        rows = await data.kpi.snapshots(None, since)
        name = f"kpi-snapshots-{data.scope.server_id}.{fmt}"
        if fmt == "json":
            payload = [
                {
                    "snapshot_date": r.snapshot_date.isoformat(),
                    "snapshot_type": r.snapshot_type,
                    "metrics": r.metrics,
                }
                for r in rows
            ]
            return name, json.dumps(payload, indent=1, sort_keys=True).encode()
        out = io.StringIO()
        writer = csv.writer(out)
        names = KPIS.names()
        writer.writerow(["snapshot_date", "snapshot_type", *names])
        for r in rows:
            metrics = r.metrics
            writer.writerow(
                [
                    r.snapshot_date.isoformat(),
                    r.snapshot_type,
                    *("" if metrics.get(n) is None else metrics[n] for n in names),
                ]
            )
        return name, out.getvalue().encode()

    # -- /segments ----------------------------------------------------------------------------------------------

    async def segment_counts(self, scope: Scope, caller: Caller) -> dict[str, int]:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await segments.counts(data, self.clock.now())

    async def segment_page(self, scope: Scope, caller: Caller, segment: str, number: int) -> segments.SegmentPage:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await segments.page(data, segment, number, self.clock.now())

    # -- /report ------------------------------------------------------------------------------------------------

    async def schedule_report(
        self,
        scope: Scope,
        caller: Caller,
        frequency: str,
        channel_id: str,
        day_of_week: int | None,
        *,
        channel_here: bool,
        channel_writable: bool,
        channel_mention: str,
    ) -> reports.Schedule:
        """/report schedule: the channel's server and the bot's permissions there come from the adapter."""
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        input.check_schedule(frequency, day_of_week)
        if not channel_here:
            raise ValidationError("channel", texts.CHANNEL_ELSEWHERE)
        if not channel_writable:
            raise ValidationError("channel", texts.channel_not_writable(channel_mention))
        return await reports.save_schedule(data, caller.user_id, frequency, channel_id, day_of_week, self.clock.now())

    async def report_off(self, scope: Scope, caller: Caller) -> reports.Schedule:
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        return await reports.turn_off(data, caller.user_id)

    async def report_schedule(self, scope: Scope, caller: Caller) -> reports.Schedule | None:
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        return await reports.current(data)

    async def report_now(self, scope: Scope, caller: Caller) -> tuple[reports.Schedule, PostResult]:
        data = await open_admin(self.store, scope, caller, Level.EVENT_MANAGER)
        schedule = await reports.current(data)
        if schedule is None:
            raise ValidationError("schedule", texts.NO_SCHEDULE)
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

    async def latest_snapshot(self, scope: Scope) -> tuple[date, dict[str, Any]] | None:
        """The newest daily snapshot's day and metrics (the demo's summary)."""
        data = self.store.scoped(scope)
        day = await data.kpi.last_snapshot("daily")
        if day is None:
            return None
        return day, (await data.kpi.daily_metrics(day, day)).get(day, {})
