"""KPI snapshots: one row per (server, date, type), written from the rollups for periods that have ended.

  daily    snapshot_date = D, the UTC day that ended; metrics = every metric of D (metrics.day_metrics)
  weekly   snapshot_date = the Sunday that ended a Monday–Sunday week; metrics of that Sunday plus "period"
           (first and last day, members who earned in the week, members with any activity, LTZ, payouts)
  monthly  snapshot_date = the last day of a calendar month; the same with the month as the period
Written once (ON CONFLICT DO NOTHING: idempotent per server, date and type) and kept forever.

Catch-up: `catch_up` writes every missing snapshot of a period that ended before today, oldest first, from
the day the server was connected (at most MAX_CATCH_UP_DAYS back), whatever the reason it is missing: the
bot was down, the clock jumped, or it is the first run. A bot down for three days gets three daily rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from loyalteez.ids import new_id
from loyalteez.services.analytics.metrics import day_metrics
from loyalteez.store import ScopedData

MAX_CATCH_UP_DAYS = 92


@dataclass(frozen=True, slots=True)
class Written:
    day: date
    kind: str
    metrics: dict[str, Any]


def period_kinds(day: date) -> list[str]:
    """The snapshot types whose period ends on `day`."""
    kinds = ["daily"]
    if day.weekday() == 6:
        kinds.append("weekly")
    if (day + timedelta(days=1)).day == 1:
        kinds.append("monthly")
    return kinds


def period_start(kind: str, day: date) -> date:
    return {"daily": day, "weekly": day - timedelta(days=6), "monthly": day.replace(day=1)}[kind]


async def catch_up(data: ScopedData, today: date, connected: date | None, grace: float) -> list[Written]:
    """Write the missing snapshots of every period that ended before `today`; returns what was written."""
    begin = today - timedelta(days=MAX_CATCH_UP_DAYS)
    if connected is not None:
        begin = max(begin, connected)
    end = today - timedelta(days=1)
    if end < begin:
        return []
    existing = await data.kpi.snapshot_keys(begin, end)
    daily = await data.kpi.daily_metrics(begin - timedelta(days=7), end)
    written: list[Written] = []
    day = begin
    while day <= end:
        missing = [kind for kind in period_kinds(day) if (day, kind) not in existing]
        if missing:
            metrics = daily.get(day)
            if metrics is None:
                metrics = await day_metrics(data, day, grace, daily)
                daily[day] = metrics
            for kind in missing:
                row = metrics if kind == "daily" else {**metrics, "period": await period_block(data, kind, day)}
                if await data.kpi.write_snapshot(new_id(), day, kind, row):
                    written.append(Written(day, kind, row))
        day += timedelta(days=1)
    return written


async def period_block(data: ScopedData, kind: str, day: date) -> dict[str, Any]:
    start = period_start(kind, day)
    totals = await data.analytics.period(start, day)
    return {"start": start.isoformat(), "end": day.isoformat(), **asdict(totals)}
