"""KPI targets (/kpi set|list|enable|disable|remove) and the alerts they raise.

A target is a discord_kpi_configs row: metric (one of the 8 seed metrics), target_value, period (day, week,
month, quarter) and alert_threshold (a percentage of the target, default 80). The metric's value for a
period is the average of its daily values over the period's last 1, 7, 30 or 90 days.

Alerting: a metric is on the wrong side when it is below threshold % of its target or, for churn_rate and
top_10_concentration (lower is better), above target ÷ threshold %. Crossing to the wrong side posts one
alert in the admin channel; staying there posts nothing more; coming back posts one recovery. The state
lives in loyalteez_kpi_alerts, so a restart neither repeats an alert nor forgets one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.analytics import messages
from loyalteez.services.analytics.metrics import BY_NAME, SEED_METRICS, period_value
from loyalteez.services.errors import ValidationError

PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90}
DEFAULT_PERIOD = "week"
DEFAULT_THRESHOLD = 80
_NUMBER = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*(%?)\s*$")


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
        return BY_NAME[self.metric].lower_is_better

    def wrong_side(self, value: float) -> bool:
        if self.lower_is_better:
            return value > self.target / (self.threshold / 100)
        return value < self.target * self.threshold / 100


@dataclass(frozen=True, slots=True)
class Transition:
    metric: str
    alerting: bool  # True: a new alert; False: a recovery
    text: str


def check_metric(name: str) -> str:
    metric = (name or "").strip().lower()
    if metric not in SEED_METRICS:
        raise ValidationError("metric", messages.unknown_metric(metric or name))
    return metric


def parse_target(metric: str, raw: str | float | int) -> float:
    """A target as typed: 25, 0.6 or 60% (shares may be given either way); never negative."""
    text = str(raw).strip()
    if text.startswith("-"):
        raise ValidationError("target", messages.NEGATIVE_TARGET)
    match = _NUMBER.match(text)
    if not match:
        raise ValidationError("target", messages.BAD_TARGET)
    value, percent = float(match.group(1).replace(",", ".")), bool(match.group(2))
    if BY_NAME[metric].kind == "ratio":
        if percent:
            value /= 100
        if value > 1:
            raise ValidationError("target", messages.RATIO_TARGET.format(metric=metric))
    elif percent:
        raise ValidationError("target", messages.BAD_TARGET)
    return round(value, 6)


def check_threshold(raw: float | int | None) -> float:
    if raw is None:
        return DEFAULT_THRESHOLD
    if not 1 <= float(raw) <= 100:
        raise ValidationError("alert_threshold", messages.THRESHOLD_RANGE)
    return float(raw)


def _target(row: dict[str, Any], alerting: bool = False) -> Target:
    return Target(
        row["metric"],
        float(row["target_value"]),
        row.get("period") or DEFAULT_PERIOD,
        float(row["alert_threshold"] if row.get("alert_threshold") is not None else DEFAULT_THRESHOLD),
        bool(row.get("is_active", True)),
        alerting,
    )


async def list_targets(data: Any) -> list[Target]:
    states = await data.kpi_alert_states()
    return [_target(r, bool(states.get(r["metric"], {}).get("alerting"))) for r in await data.kpi_targets()]


async def set_target(
    data: Any, actor_id: str, metric: str, target: str | float, period: str | None, threshold: float | None
) -> Target:
    """Create or replace a metric's target (reactivating it); audited. Validates everything first."""
    metric = check_metric(metric)
    value = parse_target(metric, target)
    period = period or DEFAULT_PERIOD
    if period not in PERIOD_DAYS:
        raise ValidationError("period", "period: choose day, week, month or quarter")
    limit = check_threshold(threshold)
    async with data.db.transaction():
        before = await data.get("discord_kpi_configs", {"metric": metric})
        await data.upsert(
            "discord_kpi_configs",
            {
                "id": before["id"] if before else new_id(),
                "metric": metric,
                "target_value": value,
                "period": period,
                "alert_threshold": limit,
                "is_active": True,
            },
            key=("server_id", "metric"),
            update=("target_value", "period", "alert_threshold", "is_active", "updated_at"),
        )
        await data.delete("loyalteez_kpi_alerts", {"metric": metric})  # a new target starts with a clean slate
        after = await data.get("discord_kpi_configs", {"metric": metric})
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action="analytics.kpi_set",
            details={"metric": metric},
            before=before,
            after=after,
        )
    return _target(after)


async def set_active(data: Any, actor_id: str, metric: str, active: bool) -> Target:
    metric = check_metric(metric)
    async with data.db.transaction():
        before = await data.get("discord_kpi_configs", {"metric": metric})
        if before is None:
            raise ValidationError("metric", messages.NO_TARGET.format(metric=metric))
        await data.update("discord_kpi_configs", {"metric": metric}, {"is_active": active})
        after = await data.get("discord_kpi_configs", {"metric": metric})
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action="analytics.kpi_enable" if active else "analytics.kpi_disable",
            details={"metric": metric},
            before=before,
            after=after,
        )
    return _target(after)


async def remove_target(data: Any, actor_id: str, metric: str) -> None:
    metric = check_metric(metric)
    async with data.db.transaction():
        before = await data.get("discord_kpi_configs", {"metric": metric})
        if before is None:
            raise ValidationError("metric", messages.NO_TARGET.format(metric=metric))
        await data.delete("discord_kpi_configs", {"metric": metric})
        await data.delete("loyalteez_kpi_alerts", {"metric": metric})
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action="analytics.kpi_remove",
            details={"metric": metric},
            before=before,
        )


async def evaluate(data: Any, day: date, daily: dict[date, dict[str, Any]], now: Any) -> list[Transition]:
    """Compare each active target with its period value ending on `day`; record and return the changes."""
    states = await data.kpi_alert_states()
    changes: list[Transition] = []
    for row in await data.kpi_targets(active_only=True):
        target = _target(row)
        value = period_value(daily, target.metric, day, PERIOD_DAYS[target.period])
        if value is None:
            continue  # nothing to compare (no activity of that kind yet): the state stays as it was
        was = bool(states.get(target.metric, {}).get("alerting"))
        wrong = target.wrong_side(value)
        await data.kpi_set_alert_state(target.metric, wrong, value, day, now if wrong != was else None)
        if wrong and not was:
            changes.append(
                Transition(
                    target.metric,
                    True,
                    messages.alert(
                        target.metric, value, target.target, target.period, target.threshold, target.lower_is_better
                    ),
                )
            )
        elif was and not wrong:
            changes.append(
                Transition(target.metric, False, messages.recovery(target.metric, value, target.target, target.period))
            )
    return changes
