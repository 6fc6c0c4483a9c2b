"""The web dashboard's KPI view: every KPI with its daily values over 7, 30 or 90 days, target and alert state.

Read from the daily snapshots only (a few hundred small rows), never recomputed from the rollups: the
page stays fast on a server of 100,000 members, where /kpi report's "today so far" costs a second. Each
KPI shows its latest snapshot (yesterday), the target's period value with its trend (as /kpi report
and the alerts compute it), the target and the stored alert state, and the window's series for the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from loyalteez.services.analytics import input, targets, texts
from loyalteez.services.analytics.metrics import KPIS, period_value, value_of
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData

WINDOWS = (7, 30, 90)
HISTORY_DAYS = 2 * max(input.PERIOD_DAYS.values())  # a quarter's value and the quarter before it


@dataclass(frozen=True, slots=True)
class KpiTrend:
    """One KPI on the dashboard: latest value, period value and trend, target and alert, daily series."""

    metric: str
    title: str
    kind: str
    lower_is_better: bool
    latest: str  # the newest snapshot's value (yesterday), formatted like /kpi report
    period_words: str  # what `value` averages: "7-day average" unless a target says otherwise
    value: str
    trend: str
    target: str | None  # formatted; None without a target
    target_value: float | None
    target_active: bool
    alerting: bool  # the stored alert state, as the last midnight's check left it
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


async def kpi_trends(data: ScopedData, today: date, days: int) -> list[KpiTrend]:
    """Every KPI in the registry's order over the `days` days ending yesterday."""
    yesterday = today - timedelta(days=1)
    daily = await data.kpi.daily_metrics(yesterday - timedelta(days=HISTORY_DAYS - 1), yesterday)
    configured = {t.metric: t for t in await targets.list_targets(data)}
    span = tuple(yesterday - timedelta(days=days - 1 - n) for n in range(days))
    return [_trend(kpi.name, configured.get(kpi.name), daily, span, yesterday) for kpi in KPIS]


def _trend(
    metric: str,
    target: targets.Target | None,
    daily: dict[date, dict[str, Any]],
    span: tuple[date, ...],
    yesterday: date,
) -> KpiTrend:
    kpi = KPIS.get(metric)
    length = input.PERIOD_DAYS[target.period] if target else 7
    value = period_value(daily, metric, yesterday, length)
    previous = period_value(daily, metric, yesterday - timedelta(days=length), length)
    return KpiTrend(
        metric=metric,
        title=kpi.title,
        kind=kpi.kind,
        lower_is_better=kpi.lower_is_better,
        latest=texts.fmt(metric, value_of(daily.get(yesterday), metric)),
        period_words=texts.PERIOD_WORDS[target.period if target else "week"],
        value=texts.fmt(metric, value),
        trend=texts.trend(value, previous),
        target=None if target is None else texts.fmt(metric, target.target),
        target_value=None if target is None else target.target,
        target_active=bool(target and target.active),
        alerting=bool(target and target.alerting),
        wrong_side=None if target is None or value is None else target.wrong_side(value),
        days=span,
        values=tuple(value_of(daily.get(day), metric) for day in span),
    )
