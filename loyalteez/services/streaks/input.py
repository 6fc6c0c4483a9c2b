"""Reading the typed options of /config streaks: `grace-period`, and `day:value` tables or `none`.

Every refusal is a ValidationError naming the option, so the command (and the config file's `streaks`
section, which reuses these parsers) changes nothing when any part is wrong.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from loyalteez.services.errors import ValidationError
from loyalteez.services.streaks import texts

GRACE_RANGE = (1, 72)
DAY_RANGE = (1, 3650)
MULTIPLIER_RANGE = (Decimal("1.0"), Decimal("5.0"))
AMOUNT_RANGE = (1, 10_000)
MAX_ENTRIES = 10
_ENTRY = re.compile(r"^\s*(\d+)\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)\s*$")
NONE_WORDS = ("none", "off", "-")


def parse_grace(value: Any) -> int:
    low, high = GRACE_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError("grace-period", texts.grace_range(low, high))
    return value


def parse_multipliers(text: str) -> tuple[tuple[int, Decimal], ...]:
    """'3:1.1, 7:1.25' -> ((3, 1.1), (7, 1.25)); 'none' -> no multipliers. Longer streaks never earn less."""
    entries = _entries(text, "multipliers", "3:1.1, 7:1.25")
    table = []
    for day, raw in entries:
        factor = Decimal(raw)
        low, high = MULTIPLIER_RANGE
        if not low <= factor <= high:
            raise ValidationError("multipliers", texts.factor_range(low, high))
        table.append((day, factor))
    factors = [f for _, f in table]
    if factors != sorted(factors):
        raise ValidationError("multipliers", texts.FACTOR_SHRINKS)
    return tuple(table)


def parse_milestones(text: str) -> tuple[tuple[int, int], ...]:
    """'7:50, 30:200' -> ((7, 50), (30, 200)); 'none' -> no milestones."""
    table = []
    for day, raw in _entries(text, "milestones", "7:50, 30:200"):
        low, high = AMOUNT_RANGE
        if "." in raw or not low <= int(raw) <= high:
            raise ValidationError("milestones", texts.milestone_amount_range(low, high))
        table.append((day, int(raw)))
    return tuple(table)


def _entries(text: str, field: str, example: str) -> list[tuple[int, str]]:
    if text.strip().lower() in NONE_WORDS:
        return []
    parts = [p for p in re.split(r"[,;]", text) if p.strip()]
    found: dict[int, str] = {}
    for part in parts:
        match = _ENTRY.match(part)
        if match is None:
            raise ValidationError(field, texts.pairs_expected(field, example))
        day = int(match.group(1))
        if not DAY_RANGE[0] <= day <= DAY_RANGE[1]:
            raise ValidationError(field, texts.day_range(field, *DAY_RANGE))
        if day in found:
            raise ValidationError(field, texts.day_twice(field, day))
        found[day] = match.group(2)
    if not found or len(found) > MAX_ENTRIES:
        raise ValidationError(field, texts.pairs_count(field, MAX_ENTRIES))
    return sorted(found.items())
