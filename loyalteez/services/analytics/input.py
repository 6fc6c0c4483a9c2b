"""What /kpi, /report and /segments accept from people, and the sentence each refusal answers with.

The config file's kpi_targets and report sections use the same checks, so a file is refused with the
sentences the commands give.
"""

from __future__ import annotations

import re
from datetime import date

from loyalteez.services.analytics import texts
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.services.errors import ValidationError
from loyalteez.store.repos.kpi import DEFAULT_PERIOD, DEFAULT_THRESHOLD

__all__ = ["DEFAULT_PERIOD", "DEFAULT_THRESHOLD"]
# A target's period: its value is the KPI's daily values averaged over the period's last days.
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90}
FREQUENCIES = ("daily", "weekly", "monthly")
SEGMENTS = ("whales", "power_users", "new", "at_risk", "dormant", "voice_regulars")
EXPORT_FORMATS = ("csv", "json")
_NUMBER = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)\s*(%?)\s*$")


# -- KPI targets -------------------------------------------------------------------------------------------


def check_metric(name: str) -> str:
    metric = (name or "").strip().lower()
    if metric not in KPIS.targetable():
        raise ValidationError("metric", texts.unknown_metric(metric or name))
    return metric


def parse_target(metric: str, raw: str | float | int) -> float:
    """A target as typed: 25, 0.6 or 60% (shares may be given either way); never negative."""
    text = str(raw).strip()
    if text.startswith("-"):
        raise ValidationError("target", texts.NEGATIVE_TARGET)
    match = _NUMBER.match(text)
    if not match:
        raise ValidationError("target", texts.BAD_TARGET)
    value, percent = float(match.group(1).replace(",", ".")), bool(match.group(2))
    if KPIS.get(metric).kind == "ratio":
        if percent:
            value /= 100
        if value > 1:
            raise ValidationError("target", texts.ratio_target(metric))
    elif percent:
        raise ValidationError("target", texts.BAD_TARGET)
    return round(value, 6)


def check_threshold(raw: float | int | None) -> float:
    if raw is None:
        return DEFAULT_THRESHOLD
    if not 1 <= float(raw) <= 100:
        raise ValidationError("alert_threshold", texts.THRESHOLD_RANGE)
    return float(raw)


def check_period(period: str | None) -> str:
    """A target's period; none given is a week."""
    period = period or DEFAULT_PERIOD
    if period not in PERIOD_DAYS:
        raise ValidationError("period", texts.BAD_PERIOD)
    return period


# -- /kpi export ---------------------------------------------------------------------------------------------


def export_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("format", texts.BAD_FORMAT)
    return fmt


def export_start(start: str | None) -> date | None:
    """The first day to export (YYYY-MM-DD); none given is every snapshot."""
    if not start:
        return None
    try:
        return date.fromisoformat(start.strip())
    except ValueError:
        raise ValidationError("start_date", texts.BAD_DATE) from None


# -- report schedules and segments ---------------------------------------------------------------------------


def check_schedule(frequency: str | None, day_of_week: int | None) -> int | None:
    """The day of the week a schedule keeps (weekly only, default Monday); refuses what /report refuses."""
    if frequency not in FREQUENCIES:
        raise ValidationError("frequency", texts.FREQUENCY)
    if day_of_week is not None and frequency != "weekly":
        raise ValidationError("day_of_week", texts.day_of_week_weekly_only(str(frequency)))
    if day_of_week is not None and not 0 <= day_of_week <= 6:
        raise ValidationError("day_of_week", texts.DAY_OF_WEEK_RANGE)
    return (day_of_week or 0) if frequency == "weekly" else None


def check_segment(name: str) -> str:
    segment = (name or "").strip().lower().replace(" ", "_").replace("-", "_")
    if segment not in SEGMENTS:
        raise ValidationError("segment", texts.unknown_segment(SEGMENTS))
    return segment
