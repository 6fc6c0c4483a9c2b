"""Checks for what admins and members type into drops, achievements, goals and perks (issue 6).

Each returns the normalised value or raises ValidationError naming the option and the allowed range, before
anything is written, so bad input changes nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.services import engagement_messages as say
from loyalteez.services.errors import ValidationError

LIFESPAN_DEFAULT = timedelta(hours=24)
LIFESPAN_MIN = timedelta(minutes=1)
LIFESPAN_MAX = timedelta(hours=168)
PERMANENT = frozenset({"permanent", "forever", "never", "none", "0"})
_SPAN = re.compile(r"(\d+)\s*(d|h|m)", re.IGNORECASE)
_SPAN_FULL = re.compile(r"^(\s*\d+\s*[dhm]\s*)+$", re.IGNORECASE)
_UNIT = {"d": 1440, "h": 60, "m": 1}
_CUSTOM_EMOJI = re.compile(r"^<a?:[A-Za-z0-9_]{2,32}:\d{15,21}>$")
_MESSAGE_LINK = re.compile(r"^https?://(?:\w+\.)?discord(?:app)?\.com/channels/(\d+|@me)/(\d+)/(\d+)/?$")
_SNOWFLAKE = re.compile(r"^\d{15,21}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

LABEL_MAX, DESCRIPTION_MAX, NAME_MAX, CATEGORY_MAX = 80, 1000, 50, 32
THRESHOLD_RANGE = (1, 1_000_000)
ACHIEVEMENT_REWARD_RANGE = (0, 10_000)
GOAL_TARGET_RANGE = (1, 1_000_000_000)
GOAL_STEP_RANGE = (-1_000_000_000, 1_000_000_000)
PERK_COST_RANGE = (1, 1_000_000)
PERK_QUANTITY_RANGE = (1, 1_000_000)  # -1 = unlimited


def lifespan(text: str | None) -> timedelta | None:
    """'5m', '2h', '24h', '1d', '1h30m' (1 minute to 168 hours) or 'permanent' (None); default 24h."""
    if text is None or not text.strip():
        return LIFESPAN_DEFAULT
    raw = text.strip().lower()
    if raw in PERMANENT:
        return None
    if not _SPAN_FULL.match(raw):
        raise ValidationError("lifespan", say.BAD_LIFESPAN)
    minutes = sum(int(n) * _UNIT[unit.lower()] for n, unit in _SPAN.findall(raw))
    span = timedelta(minutes=minutes)
    if not LIFESPAN_MIN <= span <= LIFESPAN_MAX:
        raise ValidationError("lifespan", say.LIFESPAN_RANGE)
    return span


def emoji(text: str | None, default: str = "🎉") -> str:
    """A unicode emoji or a custom one (<:name:id>): no letters, digits, spaces or punctuation alone."""
    value = (text or "").strip() or default
    if _CUSTOM_EMOJI.match(value):
        return value
    if len(value) > 16 or any(ch.isspace() or ch.isalnum() or ch.isascii() for ch in value):
        raise ValidationError("emoji", say.BAD_EMOJI)
    return value


def same_emoji(a: str, b: str) -> bool:
    """Discord sends some emoji with and some without the variation selector (❤ / ❤️)."""
    return a.replace("\ufe0f", "") == b.replace("\ufe0f", "")


def message_ref(text: str) -> tuple[str | None, str | None, str]:
    """A message id or link -> (guild id or None, channel id or None, message id)."""
    raw = (text or "").strip()
    link = _MESSAGE_LINK.match(raw)
    if link:
        guild, channel, message = link.groups()
        return (None if guild == "@me" else guild), channel, message
    if _SNOWFLAKE.match(raw):
        return None, None, raw
    raise ValidationError("message-id", say.BAD_MESSAGE_REF)


def text(field: str, value: Any, limit: int, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, say.required(field))
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise ValidationError(field, say.too_long(field, limit))
    return value.strip()


def integer(field: str, value: Any, bounds: tuple[int, int], extra: str = "") -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, say.out_of_range(field, low, high, extra))
    return value


def choice(field: str, value: Any, choices: tuple[str, ...]) -> str:
    normalised = str(value or "").strip().lower()
    if normalised not in choices:
        raise ValidationError(field, say.one_of(field, choices))
    return normalised


def deadline(value: str | None, now: datetime) -> date | None:
    """YYYY-MM-DD (UTC), today or later."""
    if value is None or not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError("deadline", say.BAD_DEADLINE) from None
    if day < now.date():
        raise ValidationError("deadline", say.PAST_DEADLINE.format(today=now.date().isoformat()))
    return day


def quantity(value: int | None) -> int | None:
    """-1 = unlimited (None)."""
    if value == -1 and not isinstance(value, bool):
        return None
    return integer("quantity", value, PERK_QUANTITY_RANGE, " (-1 for unlimited)")


def snowflake(field: str, value: Any) -> str:
    raw = str(value or "").strip()
    if not raw.isdigit() or len(raw) > 21:
        raise ValidationError(field, say.not_an_id(field))
    return raw


def is_uuid(text: str) -> bool:
    """Ids of drops and achievements (in buttons' custom ids): anything else names nothing, on either engine."""
    return bool(_UUID.match((text or "").strip().lower()))
