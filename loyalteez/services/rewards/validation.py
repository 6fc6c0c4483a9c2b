"""Checks for every value an admin can type into a rewards command.

Each returns the normalised value or raises ValidationError naming the field and the allowed range,
before anything is written, so a bad command changes nothing. The checks of options that only some
triggers take (keywords, min_length, ...) live with their triggers in services/rewards/triggers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts
from loyalteez.services.rewards.rules import EVENT_NAME

REWARD_RANGE = (1, 10_000)
COOLDOWN_RANGE = (1, 8_760)  # a year of hours; -1 or 0 = no cooldown
CLAIMS_RANGE = (1, 1_000_000)  # -1 = unlimited
PER_DAY_RANGE = (1, 1_000)  # -1 = unlimited
MAX_EVENT_CHANNELS = 50
MAX_EXCLUDED_CHANNELS = 200
REASON_LENGTH = 500
DESCRIPTION_LENGTH = 200
EFFECT_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "multiplier": (Decimal("1.0"), Decimal("5.0")),
    "flat_bonus": (Decimal(0), Decimal(1000)),
    "cooldown_reduction": (Decimal(0), Decimal(90)),
}
PRIORITY_RANGE = (0, 100)
_SNOWFLAKE = re.compile(r"^[0-9]{1,20}$")


def refusal(check: Callable[[], Any]) -> str:
    """The sentence a check refuses a bad value with, without its leading field name.

    JSON Schemas carry it as `x-message`, so a config file and the command refuse a value alike.
    """
    try:
        check()
    except ValidationError as exc:
        prefix = exc.field + " "
        return exc.message[len(prefix) :] if exc.field and exc.message.startswith(prefix) else exc.message
    raise AssertionError("the service accepted the value given as an example of a bad one")


def integer_in(field: str, value: Any, low: int, high: int, extra: str = "") -> int:
    """A whole number (not a bool) from `low` to `high`; `extra` ends the refusal (" LTZ", " minutes")."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, texts.out_of_range(field, low, high, extra))
    return value


def event_name(name: Any) -> str:
    if not isinstance(name, str) or not EVENT_NAME.match(name):
        raise ValidationError("name", texts.BAD_EVENT_NAME)
    return name


def reward(value: Any) -> int:
    return integer_in("reward", value, *REWARD_RANGE, " LTZ")


def cooldown_hours(value: Any) -> int:
    """-1 and 0 both mean no cooldown (stored as 0)."""
    if value in (-1, 0) and not isinstance(value, bool):
        return 0
    return integer_in("cooldown", value, *COOLDOWN_RANGE, " hours (-1 or 0 for none)")


def limit(field: str, value: Any, bounds: tuple[int, int] = CLAIMS_RANGE) -> int | None:
    """A cap where -1 means unlimited (returned as None)."""
    if value == -1 and not isinstance(value, bool):
        return None
    return integer_in(field, value, *bounds, " (-1 for unlimited)")


def snowflake(field: str, value: Any) -> str:
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not _SNOWFLAKE.match(text):
        raise ValidationError(field, texts.not_a_snowflake(field))
    return text


def channels(value: Sequence[Any]) -> list[str]:
    found = list(dict.fromkeys(snowflake("channels", c) for c in value))
    if len(found) > MAX_EVENT_CHANNELS:
        raise ValidationError("channels", texts.too_many("channels", MAX_EVENT_CHANNELS))
    return found


def text(field: str, value: Any, max_length: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise ValidationError(field, texts.too_long(field, max_length))
    return value.strip() or None


def effect(effect_type: Any, value: Any) -> Decimal:
    if effect_type not in EFFECT_RANGES:
        raise ValidationError("effect", texts.one_of("effect", tuple(EFFECT_RANGES)))
    low, high = EFFECT_RANGES[effect_type]
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else Decimal("NaN")
    except InvalidOperation:
        number = Decimal("NaN")
    whole = effect_type != "multiplier"
    if number.is_nan() or not low <= number <= high or (whole and number != number.to_integral_value()):
        extra = "" if not whole else " (whole numbers)"
        raise ValidationError("value", texts.out_of_range(f"{effect_type} value", low, high, extra))
    return number if not whole else Decimal(int(number))


def priority(value: Any) -> int:
    return integer_in("priority", value, *PRIORITY_RANGE)
