"""When a check-in streak is alive, from check-in days alone: the rule KPIs and the rollups share.

A check-in on UTC day X keeps the streak alive until `grace` hours after the end of X (default 24 h, so
until the end of X+1); a check-in before then continues it, a later one starts a new streak at 1. The
grace period is the server's streak setting (config_metadata "streaks"), 1–72 hours.

At day boundaries this becomes whole days, with c = ceil(grace / 24):
  alive at the start of D  <=>  the last check-in before D is on or after D - c;
  alive at the end of D    <=>  a check-in on D, or the last one is on or after D - c + 1.
With the default 24 h: a streak is alive at the start of D when the member checked in on D-1, and still
alive at its end only if they check in on D.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.clock import start_of_day, utc_day

CHECKIN_EVENT = "daily_checkin"
STREAKS_KEY = "streaks"
DEFAULT_GRACE_HOURS = 24
GRACE_RANGE = (1, 72)


def grace_hours(metadata: dict[str, Any] | None) -> float:
    """The server's grace period in hours (the engagement settings), clamped to 1–72; default 24."""
    settings = (metadata or {}).get(STREAKS_KEY)
    value: Any = None
    if isinstance(settings, dict):
        value = next(
            (settings[k] for k in ("grace_hours", "grace_period_hours", "grace_period") if k in settings), None
        )
    try:
        hours = float(value) if value is not None else DEFAULT_GRACE_HOURS
    except (TypeError, ValueError):
        hours = DEFAULT_GRACE_HOURS
    return min(max(hours, GRACE_RANGE[0]), GRACE_RANGE[1])


def grace_days(grace: float) -> int:
    """c: how many whole days before D the last check-in may be for a streak alive at the start of D."""
    return max(1, math.ceil(grace / 24))


def boundary_days(day: date, grace: float) -> tuple[date, date]:
    """(start_from, end_from): a streak is alive at the start of `day` if its last earlier check-in is on or
    after start_from, and at its end if checked in on `day` or last checked in on or after end_from."""
    c = grace_days(grace)
    return day - timedelta(days=c), day - timedelta(days=c - 1)


def next_streak(last: datetime | None, streak: int, at: datetime, grace: float) -> int:
    """The streak after a check-in at `at`, given the previous check-in and the streak it made."""
    if last is None or streak <= 0:
        return 1
    if utc_day(last) == utc_day(at):
        return streak
    deadline = start_of_day(utc_day(last) + timedelta(days=1)) + timedelta(hours=grace)
    return streak + 1 if at <= deadline else 1
