"""Checks for what admins type into /goal (the shared ones are in services/common/input.py)."""

from __future__ import annotations

from datetime import date, datetime

from loyalteez.services.errors import ValidationError
from loyalteez.services.goals import texts

TYPES = ("users", "dau", "ltz_distributed", "custom")
GOAL_TARGET_RANGE = (1, 1_000_000_000)
GOAL_STEP_RANGE = (-1_000_000_000, 1_000_000_000)


def deadline(value: str | None, now: datetime) -> date | None:
    """YYYY-MM-DD (UTC), today or later."""
    if value is None or not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError("deadline", texts.BAD_DEADLINE) from None
    if day < now.date():
        raise ValidationError("deadline", texts.PAST_DEADLINE.format(today=now.date().isoformat()))
    return day
