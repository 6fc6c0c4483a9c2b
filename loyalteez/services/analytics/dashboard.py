"""The web dashboard's KPI view: every KPI of /kpi report with its daily values over 7, 30 or 90 days.

Same numbers as /kpi report (today so far, the target's period value and its trend, the target and its
alert state), plus the daily snapshots of the window ending yesterday, which the page draws as a chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from loyalteez.services.analytics import texts
from loyalteez.services.analytics.metrics import KPIS, value_of
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData

if TYPE_CHECKING:
    from loyalteez.services.analytics.service import MetricLine

WINDOWS = (7, 30, 90)


@dataclass(frozen=True, slots=True)
class KpiTrend:
    """One KPI on the dashboard: its /kpi report line (values, trend, target, alert) and its daily series."""

    metric: str
    title: str
    kind: str
    lower_is_better: bool
    now: str  # today so far, formatted like /kpi report
    period_words: str  # what `value` averages: "7-day average" unless a target says otherwise
    value: str
    trend: str
    target: str | None  # formatted; None without a target
    target_value: float | None
    target_active: bool
    alerting: bool
    wrong_side: bool | None  # the period value against the target (None: no target or no value)
    days: tuple[date, ...]
    values: tuple[float | None, ...]


def window_days(raw: str | int | None) -> int:
    """7, 30 or 90 (default 30); anything else is one sentence."""
    if raw is None or raw == "":
        return 30
    days = int(raw) if isinstance(raw, int) or str(raw).isdigit() else -1
    if days not in WINDOWS:
        raise ValidationError("days", texts.BAD_WINDOW)
    return days


async def daily_series(data: ScopedData, today: date, days: int) -> tuple[tuple[date, ...], dict[date, dict[str, Any]]]:
    """The window's days (ending yesterday, oldest first) and their snapshots."""
    last = today - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    return tuple(first + timedelta(days=n) for n in range(days)), await data.kpi.daily_metrics(first, last)


def trends(lines: list[MetricLine], days: tuple[date, ...], daily: dict[date, dict[str, Any]]) -> list[KpiTrend]:
    """Lines of Analytics.kpi_lines joined with the window's daily values, in the registry's order."""
    found = []
    for line in lines:
        kpi = KPIS.get(line.metric)
        target = line.target
        wrong = None if target is None or line.period_value is None else target.wrong_side(line.period_value)
        found.append(
            KpiTrend(
                metric=line.metric,
                title=kpi.title,
                kind=kpi.kind,
                lower_is_better=kpi.lower_is_better,
                now=texts.fmt(line.metric, line.now),
                period_words=texts.PERIOD_WORDS[target.period if target else "week"],
                value=texts.fmt(line.metric, line.period_value),
                trend=texts.trend(line.period_value, line.previous),
                target=None if target is None else texts.fmt(line.metric, target.target),
                target_value=None if target is None else target.target,
                target_active=bool(target and target.active),
                alerting=bool(target and target.alerting),
                wrong_side=wrong,
                days=days,
                values=tuple(value_of(daily.get(day), line.metric) for day in days),
            )
        )
    return found
