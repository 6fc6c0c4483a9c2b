"""Discord's rules and wording for one value: how it is read as a JSON type, and why it fails.

Split from the schema walk (spec_validate.py), which follows ``$ref`` pointers, objects, lists and unions:
this module keeps what is judged of a single value once its schema is known: Discord's coercions (ids and
integers as digit strings), the error code and sentence for a type it cannot read, for a length or size, a
number out of range, duplicate items, a date-time that is not ISO 8601 or a URL that is not well formed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
SNOWFLAKE_MAX = 2**63 - 1
INT_TEXT = re.compile(r"[+-]?\d+")


def length_error(size: int, low: int | None, high: int | None) -> tuple[str, str] | None:
    """Discord's wording for string lengths and list/dict sizes (one rule for all three)."""
    if low and high is not None:
        if size < low or size > high:
            return "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."
    elif high is not None and size > high:
        return "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length."
    elif low and size < low:
        return "BASE_TYPE_MIN_LENGTH", f"Must be {low} or more in length."
    return None


def show(value: Any) -> str:
    """A value as Discord quotes it inside an error sentence (shortened)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 100 else text[:97] + "..."


def choices(values: Sequence[Any]) -> str:
    """Discord renders allowed values as a Python tuple: ``(4, 5)`` or ``('rich',)``."""
    return repr(tuple(values))


def same(value: Any, allowed: Any) -> bool:
    """Equality that keeps JSON types apart (``True`` is not ``1``)."""
    if isinstance(value, bool) or isinstance(allowed, bool):
        return value is allowed
    return bool(value == allowed)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def accept(kind: str, schema: Mapping[str, Any], value: Any) -> tuple[bool, Any]:
    """Does ``value`` pass as JSON type ``kind``, and as what value (after Discord's coercion)?"""
    if kind == "object":
        return type(value) is dict or isinstance(value, Mapping), value  # decoded JSON: skip the ABC check
    if kind == "array":
        return isinstance(value, list | tuple), value
    if kind == "boolean":
        return isinstance(value, bool), value
    if kind == "string":
        if isinstance(value, str):
            return True, value
        if _is_number(value) and schema.get("format") == "snowflake":
            return True, str(value)
        return _is_number(value), str(value) if _is_number(value) else value
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        if isinstance(value, str) and INT_TEXT.fullmatch(value.strip()):
            return True, int(value)
        return False, value
    if kind == "number":
        if _is_number(value):
            return math.isfinite(value), value
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                return False, value
            return math.isfinite(number), number
        return False, value
    return True, value  # an unknown type word: do not invent a rule


def type_error(kind: str, schema: Mapping[str, Any], value: Any) -> tuple[str, str]:
    """The error Discord gives when a value cannot be read as ``kind``."""
    if kind == "object":
        if "properties" not in schema and isinstance(schema.get("additionalProperties"), Mapping):
            return "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
        return "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"
    if kind == "array":
        return "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
    if kind == "string":
        if schema.get("format") == "snowflake":
            return "NUMBER_TYPE_COERCE", f'Value "{show(value)}" is not snowflake.'
        return "STRING_TYPE_CONVERT", f'Could not interpret "{show(value)}" as string.'
    if kind == "integer":
        return "NUMBER_TYPE_COERCE", f'Value "{show(value)}" is not int.'
    if kind == "number":
        return "NUMBER_TYPE_COERCE", f'Value "{show(value)}" is not float.'
    return "BOOLEAN_TYPE_CONVERT", "Must be either true or false."


def number_error(kind: str, schema: Mapping[str, Any], number: float) -> tuple[str, str] | None:
    label = "int" if kind == "integer" else "float"
    low, high = schema.get("minimum"), schema.get("maximum")
    if kind == "integer" and schema.get("format") in INT_RANGES:
        fmt_low, fmt_high = INT_RANGES[schema["format"]]
        low = fmt_low if low is None else max(low, fmt_low)
        high = fmt_high if high is None else min(high, fmt_high)
    if low is not None and number < low:
        return "NUMBER_TYPE_MIN", f"{label} value should be greater than or equal to {low}."
    if high is not None and number > high:
        return "NUMBER_TYPE_MAX", f"{label} value should be less than or equal to {high}."
    return None


def has_duplicates(items: Sequence[Any]) -> bool:
    seen = {json.dumps(item, sort_keys=True, default=str) for item in items}
    return len(seen) != len(items)


def is_iso8601(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return bool(parts.scheme) and bool(parts.netloc or parts.path)
