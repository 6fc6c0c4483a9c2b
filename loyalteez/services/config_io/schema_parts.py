"""Building blocks for section schemas, derived from the services' own checks.

Ranges come from the services' constants and every `x-message` is the sentence the service itself gives
for a bad value (obtained by asking it), so the JSON Schema and the service cannot drift apart in what
they say; `tests/services/test_config_io_schema.py` feeds the same bad values to both.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from loyalteez.services.rewards import texts, validation
from loyalteez.services.rewards.validation import refusal as refusal  # sections call it as parts.refusal

# The service's own pattern for Discord ids (it also strips blanks; a file must not have them).
SNOWFLAKE_PATTERN = validation._SNOWFLAKE.pattern


def snowflake(field: str, *, nullable: bool = False) -> dict[str, Any]:
    return {
        "type": ["string", "null"] if nullable else "string",
        "pattern": SNOWFLAKE_PATTERN,
        "x-message": refusal(lambda: validation.snowflake(field, "x")),
    }


def snowflakes(field: str, limit: int, what: str) -> dict[str, Any]:
    return {"type": "array", "items": snowflake(field), "maxItems": limit, "x-message": texts.too_many(what, limit)}


def integer(low: int, high: int, message: str) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high, "x-message": message}


def limit(field: str, bounds: tuple[int, int] = validation.CLAIMS_RANGE) -> dict[str, Any]:
    """A cap: null or -1 = unlimited, else a whole number in `bounds`."""
    low, high = bounds
    return {
        "anyOf": [{"type": "null"}, {"const": -1}, {"type": "integer", "minimum": low, "maximum": high}],
        "x-message": refusal(lambda: validation.limit(field, 0, bounds)),
    }


def text(field: str, max_length: int) -> dict[str, Any]:
    return {
        "type": ["string", "null"],
        "maxLength": max_length,
        "x-message": refusal(lambda: validation.text(field, "x" * (max_length + 1), max_length)),
    }


def obj(properties: dict[str, Any], required: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    """A closed object: unknown fields are refused (typos would otherwise be silently ignored)."""
    return {
        "type": "object",
        "required": list(required),
        "additionalProperties": False,
        "properties": properties,
        **extra,
    }


def number_text(value: Any) -> str | None:
    """A JSON number as the services read typed text (1e-06 -> '0.000001'); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return format(Decimal(str(value)), "f")
