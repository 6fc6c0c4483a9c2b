"""The `kpi_targets` and `report` sections, applied through the same services as /kpi and /report.

    "kpi_targets": [{"metric": "daily_active_users", "target": 25, "period": "week", "alert_threshold": 80,
                     "is_active": true}, ...]
    "report": {"enabled": true, "frequency": "weekly", "channel_id": "…", "day_of_week": 0}

kpi_targets is the whole list, one item per metric (sorted by metric): a target in the file is set
(`/kpi set`, only when its target, period or threshold differ) and turned on or off (`/kpi enable|disable`);
a field left out of an item is left as it is (a new target gets /kpi set's defaults: week, 80 %); a
target missing from the file is removed (`/kpi remove`): targets hold no member history, only their own
alert state. Targets are numbers (shares as 0-1), not /kpi set's typed `60%`.

report is the one schedule: `enabled` true saves it (`/report schedule`) when it differs or is off;
false, null or absent turns it off (`/report off`). There is no command to delete a schedule, so an
off schedule is kept with its frequency and channel, as /report off keeps it; a file that gives those
while off sets them and leaves the schedule off. An export of a server without a schedule has them null.
Delivery state (last sent, last attempt) is not configuration and is never exported.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from loyalteez.services.analytics import input, reports, targets
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.services.config_io import schema_parts as parts
from loyalteez.services.config_io.errors import ConfigFieldError, sentence, service_errors
from loyalteez.services.config_io.registry import Section, register
from loyalteez.services.config_io.schema_parts import number_text
from loyalteez.services.rewards import validation
from loyalteez.store import ScopedData

TARGETS_KEY = "kpi_targets"
REPORT_KEY = "report"
*_FIRST, _LAST = input.PERIOD_DAYS
PERIOD_MESSAGE = f"choose {', '.join(_FIRST)} or {_LAST}"  # what /kpi set answers (the schema test compares)
SWITCH_MESSAGE = "must be true or false."
ENABLED_MESSAGE = "must be true, false or null (off)."


def metric_message() -> str:
    return f"must be one of {', '.join(KPIS.targetable())}."


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# -- KPI targets ---------------------------------------------------------------------------------------------


def target_json(target: targets.Target) -> dict[str, Any]:
    return {
        "metric": target.metric,
        "target": _number(target.target),
        "period": target.period,
        "alert_threshold": _number(target.threshold),
        "is_active": target.active,
    }


async def export_targets(data: ScopedData) -> list[dict[str, Any]]:
    return sorted((target_json(t) for t in await targets.list_targets(data)), key=lambda i: i["metric"])


def _metric(item: dict[str, Any], index: int, seen: dict[str, int]) -> str:
    metric, path = item.get("metric"), f"{TARGETS_KEY}[{index}].metric"
    if not isinstance(metric, str) or metric not in KPIS.targetable():
        raise ConfigFieldError(path, metric_message())
    if metric in seen:
        raise ConfigFieldError(path, f"already listed at {TARGETS_KEY}[{seen[metric]}].")
    seen[metric] = index
    return metric


def _threshold(value: Any) -> float:
    """A threshold; a non-number as 0, which the service refuses with its range sentence."""
    text = number_text(value)
    return float(text) if text is not None else 0.0


async def apply_targets(data: ScopedData, items: list[dict[str, Any]], actor_id: str) -> None:
    current = {t.metric: t for t in await targets.list_targets(data)}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"{TARGETS_KEY}[{index}]"
        metric = _metric(item, index, seen)
        had = current.get(metric)
        with service_errors(path):
            # a non-number is refused as a negative target / a 0 % threshold: the sentence the schema gives
            text = number_text(item.get("target")) or "-1"
            value = input.parse_target(metric, text)
            threshold = (
                input.check_threshold(_threshold(item["alert_threshold"]))
                if "alert_threshold" in item
                else had.threshold
                if had
                else input.DEFAULT_THRESHOLD
            )
            period = item.get("period", had.period if had else None) or input.DEFAULT_PERIOD
            active = item.get("is_active", had.active if had else True)
            if not isinstance(active, bool):
                raise ConfigFieldError(f"{path}.is_active", SWITCH_MESSAGE)
            if had is None or (value, period, threshold) != (had.target, had.period, had.threshold):
                had = await targets.set_target(data, actor_id, metric, text, period, threshold)
            if active != had.active:
                await targets.set_active(data, actor_id, metric, active)
    for metric in current:
        if metric not in seen:
            await targets.remove_target(data, actor_id, metric)


def targets_schema() -> dict[str, Any]:
    seeds = KPIS.targetable()
    shares = [m for m in seeds if KPIS.get(m).kind == "ratio"]
    return {
        "type": "array",
        "items": parts.obj(
            {
                "metric": {"enum": list(seeds), "x-message": metric_message()},
                "target": {
                    "type": "number",
                    "minimum": 0,
                    "x-message": sentence(lambda: input.parse_target(seeds[0], "-1")),
                    "description": "the metric's goal; shares (rates, churn, concentration) as 0-1",
                },
                "period": {
                    "enum": list(input.PERIOD_DAYS),
                    "x-message": PERIOD_MESSAGE,
                    "description": "the metric's average over the last 1, 7, 30 or 90 days is compared",
                },
                "alert_threshold": {
                    "type": "number",
                    "minimum": 1,
                    "maximum": 100,
                    "x-message": sentence(lambda: input.check_threshold(0)),
                    "description": "alert below this % of the target (above target ÷ it when lower is better)",
                },
                "is_active": {"type": "boolean", "x-message": SWITCH_MESSAGE},
            },
            required=("metric", "target"),
            allOf=[
                {
                    "if": {"properties": {"metric": {"const": m}}, "required": ["metric"]},
                    "then": {
                        "properties": {
                            "target": {"maximum": 1, "x-message": sentence(partial(input.parse_target, m, "2"))}
                        }
                    },
                }
                for m in shares
            ],
        ),
    }


# -- the scheduled report ------------------------------------------------------------------------------------


async def export_report(data: ScopedData) -> dict[str, Any]:
    schedule = await reports.current(data)
    if schedule is None:
        return {"enabled": False, "frequency": None, "channel_id": None, "day_of_week": None}
    return {
        "enabled": schedule.active,
        "frequency": schedule.frequency,
        "channel_id": schedule.channel_id,
        "day_of_week": schedule.day_of_week,
    }


def _day_of_week(value: Any) -> int | None:
    """A weekday; a non-number as -1, which the service refuses with its range sentence."""
    return value if value is None or (isinstance(value, int) and not isinstance(value, bool)) else -1


async def apply_report(data: ScopedData, value: dict[str, Any], actor_id: str) -> None:
    enabled = value.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise ConfigFieldError(f"{REPORT_KEY}.enabled", ENABLED_MESSAGE)
    schedule = await reports.current(data)
    frequency, channel = value.get("frequency"), value.get("channel_id")
    if enabled or frequency is not None or channel is not None:
        with service_errors(REPORT_KEY, {"channel": "channel_id"}):
            day = input.check_schedule(frequency, _day_of_week(value.get("day_of_week")))
            channel_id = validation.snowflake("channel", channel)
        wanted = (frequency, channel_id, day)
        if (
            schedule is None
            or wanted != (schedule.frequency, schedule.channel_id, schedule.day_of_week)
            or (enabled and not schedule.active)
        ):
            schedule = await reports.save_schedule(data, actor_id, str(frequency), channel_id, day)
    if not enabled and schedule is not None and schedule.active:
        await reports.turn_off(data, actor_id)


def report_schema() -> dict[str, Any]:
    frequency = sentence(lambda: input.check_schedule("?", None))
    channel = parts.snowflake("channel", nullable=True)
    details = {
        "if": {
            "anyOf": [
                {"properties": {"enabled": {"const": True}}, "required": ["enabled"]},
                {"properties": {"frequency": {"type": "string"}}, "required": ["frequency"]},
                {"properties": {"channel_id": {"type": "string"}}, "required": ["channel_id"]},
            ]
        },
        "then": {
            "required": ["frequency", "channel_id"],
            "properties": {
                "frequency": {"type": "string", "x-message": frequency},
                "channel_id": {"type": "string", "x-message": channel["x-message"]},
            },
        },
    }
    weekly_only = [
        {
            "if": {"properties": {"frequency": {"const": f}}, "required": ["frequency"]},
            "then": {
                "properties": {
                    "day_of_week": {"type": "null", "x-message": sentence(partial(input.check_schedule, f, 0))}
                }
            },
        }
        for f in input.FREQUENCIES
        if f != "weekly"
    ]
    return parts.obj(
        {
            "enabled": {
                "type": ["boolean", "null"],
                "x-message": ENABLED_MESSAGE,
                "description": "true: reports are posted; false or null: off (the schedule is kept)",
            },
            "frequency": {"enum": [*input.FREQUENCIES, None], "x-message": frequency},
            "channel_id": {**channel, "description": "where the report is posted"},
            "day_of_week": {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": 6,
                "x-message": sentence(lambda: input.check_schedule("weekly", 7)),
                "description": "weekly reports only: 0 = Monday … 6 = Sunday (null: Monday)",
            },
        },
        allOf=[details, *weekly_only],
    )


register(
    Section(
        key=TARGETS_KEY,
        order=90,
        item_key=("metric",),
        description="KPI targets (/kpi set); targets not listed are removed (they hold no member history)",
        schema=targets_schema(),
        export=export_targets,
        apply=apply_targets,
    )
)
register(
    Section(
        key=REPORT_KEY,
        order=100,
        description="The scheduled KPI report (/report schedule); enabled false or null turns it off (the schedule "
        "is kept, as /report off keeps it)",
        schema=report_schema(),
        export=export_report,
        apply=apply_report,
    )
)
