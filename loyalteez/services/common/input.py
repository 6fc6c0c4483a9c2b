"""Checks shared by the engagement features' options: names, texts, numbers, choices, emoji, lifespans.

Each returns the normalised value or raises ValidationError naming the option and the allowed range, before
anything is written, so bad input changes nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from loyalteez.services.common import texts
from loyalteez.services.errors import ValidationError

LIFESPAN_DEFAULT = timedelta(hours=24)
LIFESPAN_MIN = timedelta(minutes=1)
LIFESPAN_MAX = timedelta(hours=168)
PERMANENT = frozenset({"permanent", "forever", "never", "none", "0"})
_SPAN = re.compile(r"(\d+)\s*(d|h|m)", re.IGNORECASE)
_SPAN_FULL = re.compile(r"^(\s*\d+\s*[dhm]\s*)+$", re.IGNORECASE)
_UNIT = {"d": 1440, "h": 60, "m": 1}
_CUSTOM_EMOJI = re.compile(r"^<a?:[A-Za-z0-9_]{2,32}:\d{15,21}>$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

DESCRIPTION_MAX, NAME_MAX = 1000, 50


def lifespan(text: str | None) -> timedelta | None:
    """'5m', '2h', '24h', '1d', '1h30m' (1 minute to 168 hours) or 'permanent' (None); default 24h."""
    if text is None or not text.strip():
        return LIFESPAN_DEFAULT
    raw = text.strip().lower()
    if raw in PERMANENT:
        return None
    if not _SPAN_FULL.match(raw):
        raise ValidationError("lifespan", texts.BAD_LIFESPAN)
    minutes = sum(int(n) * _UNIT[unit.lower()] for n, unit in _SPAN.findall(raw))
    span = timedelta(minutes=minutes)
    if not LIFESPAN_MIN <= span <= LIFESPAN_MAX:
        raise ValidationError("lifespan", texts.LIFESPAN_RANGE)
    return span


def emoji(text: str | None, default: str = "🎉") -> str:
    """A unicode emoji or a custom one (<:name:id>): no letters, digits, spaces or punctuation alone."""
    value = (text or "").strip() or default
    if _CUSTOM_EMOJI.match(value):
        return value
    if len(value) > 16 or any(ch.isspace() or ch.isalnum() or ch.isascii() for ch in value):
        raise ValidationError("emoji", texts.BAD_EMOJI)
    return value


def same_emoji(a: str, b: str) -> bool:
    """Discord sends some emoji with and some without the variation selector (❤ / ❤️)."""
    return a.replace("\ufe0f", "") == b.replace("\ufe0f", "")


def text(field: str, value: Any, limit: int, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, texts.required(field))
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise ValidationError(field, texts.too_long(field, limit))
    return value.strip()


def integer(field: str, value: Any, bounds: tuple[int, int], extra: str = "") -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, texts.out_of_range(field, low, high, extra))
    return value


def choice(field: str, value: Any, choices: tuple[str, ...]) -> str:
    normalised = str(value or "").strip().lower()
    if normalised not in choices:
        raise ValidationError(field, texts.one_of(field, choices))
    return normalised


def snowflake(field: str, value: Any) -> str:
    raw = str(value or "").strip()
    if not raw.isdigit() or len(raw) > 21:
        raise ValidationError(field, texts.not_an_id(field))
    return raw


def is_uuid(text: str) -> bool:
    """Ids of drops and achievements (in buttons' custom ids): anything else names nothing, on either engine."""
    return bool(_UUID.match((text or "").strip().lower()))
