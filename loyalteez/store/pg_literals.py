"""Store SQL with its parameters written in as PostgreSQL literals, so several statements travel together.

asyncpg sends a parameterised statement on its own and waits for the answer: against a database 20 ms away
every statement is a round trip. PostgreSQL's simple-query protocol takes many `;`-separated statements in
one message, but without parameters. Inside a transaction the engine therefore writes the statements whose
results nobody waits for (BEGIN, row locks, stats upserts, rollups, COMMIT) as literal SQL and sends them
with the next statement that must be answered (see postgres_db.py).

Each value becomes the literal PostgreSQL would have inferred for the parameter: strings (also JSON and
UUIDs) as untyped quoted literals, which take the type the statement gives them exactly as a parameter
does; numbers bare; dates and times typed, since their text alone could read as text. A value this module
cannot write safely (a NUL character, an unknown type) makes `render` return None and the statement runs
the usual way.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

# What the placeholder rewriters must step over: every `?` outside these is a placeholder.
LEXEME = re.compile(
    r"""'(?:[^']|'')*'            # string literal ('' escapes a quote)
      | "(?:[^"]|"")*"            # quoted identifier
      | --[^\n]*                  # line comment
      | /\*.*?\*/                 # block comment
      | \$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?\$(?P=tag)\$   # dollar-quoted body
      | \?                        # a placeholder
    """,
    re.VERBOSE | re.DOTALL,
)


# A placeholder the store binds a list to as an array: `CAST(? AS TEXT[])`, `CAST(? AS TIMESTAMPTZ[])`.
_CAST_OPEN = re.compile(r"CAST\(\s*$", re.IGNORECASE)
_ARRAY_CAST = re.compile(r"\s+AS\s+[A-Za-z_][A-Za-z_ ]*\[\]", re.IGNORECASE)


class Unrenderable(ValueError):
    """A value with no safe literal form: the statement is sent with parameters instead."""


def _quoted(text: str) -> str:
    """A standard-conforming string literal: only the quote is special (the engine checks the server agrees)."""
    if "\x00" in text:
        raise Unrenderable("NUL in text")
    return "'" + text.replace("'", "''") + "'"


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value) if value >= 0 else f"({value})"
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(value) if value >= 0 else f"({value!r})"
        return f"{_quoted(str(value))}::float8"
    if isinstance(value, Decimal):
        if not value.is_finite():
            return f"{_quoted(str(value))}::numeric"
        return str(value) if value >= 0 else f"({value})"
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, UUID):
        return _quoted(str(value))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored: use UTC")
        return f"{_quoted(value.isoformat())}::timestamptz"
    if isinstance(value, date):
        return f"{_quoted(value.isoformat())}::date"
    if isinstance(value, time):
        return f"{_quoted(value.isoformat())}::{'timetz' if value.tzinfo else 'time'}"
    if isinstance(value, dict | list | tuple):  # JSON; a list bound to an array parameter is rendered by render
        return _quoted(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
    if isinstance(value, bytes):
        return f"'\\x{value.hex()}'::bytea"
    raise Unrenderable(f"no literal for {type(value).__name__}")


def _array(items: Sequence[Any]) -> str:
    """A list bound to an array parameter (`CAST(? AS TEXT[])`, `TIMESTAMPTZ[]`, ...): an untyped array
    literal of its elements' text, which the statement's cast reads as the parameter's type would."""
    parts = []
    for item in items:
        if item is None:
            parts.append("NULL")
        elif isinstance(item, bool | int | float | Decimal | str | UUID | datetime | date):
            if isinstance(item, datetime) and item.tzinfo is None:
                raise ValueError(f"naive datetime {item!r} cannot be stored: use UTC")
            text = item.isoformat() if isinstance(item, date) else str(item)
            text = text.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{text}"')
        else:
            raise Unrenderable(f"no array literal for {type(item).__name__}")
    return _quoted("{" + ",".join(parts) + "}")


def render(sql: str, params: Sequence[Any]) -> str | None:
    """`sql` (with `?` placeholders) with each parameter written in; None when one cannot be."""
    values = iter(params)
    missing = object()

    def replace(match: Any) -> str:
        if match.group(0) != "?":
            return str(match.group(0))
        value = next(values, missing)
        if value is missing:
            raise Unrenderable("fewer parameters than placeholders")
        if (
            isinstance(value, list | tuple)
            and _ARRAY_CAST.match(sql, match.end())
            and _CAST_OPEN.search(sql, 0, match.start())
        ):
            return _array(value)  # `CAST(? AS TEXT[])`: the list is an array; anywhere else it is JSON
        return literal(value)

    try:
        text = LEXEME.sub(replace, sql)
    except Unrenderable:
        return None
    if next(values, missing) is not missing:
        return None  # more parameters than placeholders: let the driver say so
    return text
