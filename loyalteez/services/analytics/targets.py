"""KPI targets (/kpi set|list|enable|disable|remove) and the alerts they raise.

A target is one per metric (a KPI the registry marks targetable): its target value, period (day, week,
month, quarter) and alert threshold (a percentage of the target, default 80). The metric's value for a
period is the average of its daily values over the period's last 1, 7, 30 or 90 days.

Alerting: a metric is on the wrong side when it is below threshold % of its target or, for churn_rate and
top_10_concentration (lower is better), above target ÷ threshold %. Crossing to the wrong side posts one
alert in the admin channel; staying there posts nothing more; coming back posts one recovery. The state
is stored (the KPI repository's alert states), so a restart neither repeats an alert nor forgets one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.clock import utc_day
from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.analytics import texts
from loyalteez.services.analytics.input import PERIOD_DAYS, check_metric, check_period, check_threshold, parse_target
from loyalteez.services.analytics.metrics import KPIS, period_value
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData
from loyalteez.store.repos.kpi import KpiTarget


@dataclass(frozen=True, slots=True)
class Target:
    metric: str
    target: float
    period: str
    threshold: float
    active: bool
    alerting: bool = False

    @property
    def lower_is_better(self) -> bool:
        return KPIS.get(self.metric).lower_is_better

    def wrong_side(self, value: float) -> bool:
        if self.lower_is_better:
            return value > self.target / (self.threshold / 100)
        return value < self.target * self.threshold / 100


@dataclass(frozen=True, slots=True)
class Transition:
    metric: str
    alerting: bool  # True: a new alert; False: a recovery
    text: str


def _target(row: KpiTarget, alerting: bool = False) -> Target:
    return Target(row.metric, row.target_value, row.period, row.alert_threshold, row.is_active, alerting)


async def list_targets(data: ScopedData) -> list[Target]:
    states = await data.kpi.alert_states()
    return [_target(t, t.metric in states and states[t.metric].alerting) for t in await data.kpi.targets()]


async def set_target(
    data: ScopedData, actor_id: str, metric: str, target: str | float, period: str | None, threshold: float | None
) -> Target:
    """Create or replace a metric's target (reactivating it); audited. Validates everything first."""
    metric = check_metric(metric)
    value = parse_target(metric, target)
    period = check_period(period)
    limit = check_threshold(threshold)
    async with data.transaction():
        before = await data.kpi.target_snapshot(metric)
        await data.kpi.save_target(before["id"] if before else new_id(), metric, value, period, limit)
        await _audited(data, actor_id, "analytics.kpi_set", metric, before)
    return await _stored(data, metric)


async def set_active(data: ScopedData, actor_id: str, metric: str, active: bool) -> Target:
    metric = check_metric(metric)
    async with data.transaction():
        before = await data.kpi.target_snapshot(metric)
        if before is None:
            raise ValidationError("metric", texts.no_target(metric))
        await data.kpi.set_target_active(metric, active)
        await _audited(data, actor_id, "analytics.kpi_enable" if active else "analytics.kpi_disable", metric, before)
    return await _stored(data, metric)


async def remove_target(data: ScopedData, actor_id: str, metric: str) -> None:
    metric = check_metric(metric)
    async with data.transaction():
        before = await data.kpi.target_snapshot(metric)
        if before is None:
            raise ValidationError("metric", texts.no_target(metric))
        await data.kpi.remove_target(metric)
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action="analytics.kpi_remove",
            details={"metric": metric},
            before=before,
        )


async def _audited(data: ScopedData, actor_id: str, action: str, metric: str, before: dict[str, Any] | None) -> None:
    """The audit row of a change to a target, with the stored row before and after it."""
    await audit.record(
        data,
        actor_type="admin",
        actor_id=actor_id,
        action=action,
        details={"metric": metric},
        before=before,
        after=await data.kpi.target_snapshot(metric),
    )


async def _stored(data: ScopedData, metric: str) -> Target:
    saved = await data.kpi.target(metric)
    assert saved is not None  # written in the transaction above
    return _target(saved)


async def evaluate(data: ScopedData, day: date, daily: dict[date, dict[str, Any]], now: datetime) -> list[Transition]:
    """Compare each active target with its period value ending on `day`; record and return the changes."""
    states = await data.kpi.alert_states()
    changes: list[Transition] = []
    for row in await data.kpi.targets(active_only=True):
        target = _target(row)
        value = period_value(daily, target.metric, day, PERIOD_DAYS[target.period])
        if value is None:
            continue  # nothing to compare (no activity of that kind yet): the state stays as it was
        was = target.metric in states and states[target.metric].alerting
        wrong = target.wrong_side(value)
        # A day caught up after downtime is named; the usual one, that ended at the last midnight, is "yesterday".
        named = None if day == utc_day(now) - timedelta(days=1) else day
        await data.kpi.set_alert_state(target.metric, wrong, value, day, now if wrong != was else None)
        if wrong and not was:
            changes.append(
                Transition(
                    target.metric,
                    True,
                    texts.alert(
                        target.metric,
                        value,
                        target.target,
                        target.period,
                        target.threshold,
                        target.lower_is_better,
                        named,
                    ),
                )
            )
        elif was and not wrong:
            changes.append(
                Transition(
                    target.metric, False, texts.recovery(target.metric, value, target.target, target.period, named)
                )
            )
    return changes
