"""How values cross between the store and SQLite: parameters in, typed columns out.

Split from the SQLite engine, which owns the connections and transactions: this module keeps only what a
value becomes on its way in (`to_sql`: text timestamps that sort as time, JSON text, integers for booleans
and whole decimals; `adapt_rows` for a whole batch) and the converters, registered on import, that turn a
column of a declared type (TIMESTAMPTZ, DATE, JSONB, BOOLEAN, NUMERIC, UUID) back into the Python value the
PostgreSQL driver returns.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any


def to_sql(value: Any) -> Any:
    """Python value -> what SQLite stores for it (text timestamps that sort as time, JSON text).

    Called for every parameter of every statement, so it dispatches on the exact type: the common
    ones (text, integers, None) cost one dict lookup; subclasses take the slower path below.
    """
    adapt = _ADAPTERS.get(type(value), _adapt_other)
    return value if adapt is None else adapt(value)


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} cannot be stored: use UTC")
    if value.tzinfo is UTC:
        return value.isoformat(timespec="microseconds")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _decimal(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _adapt_other(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return _timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _json(value)
    if isinstance(value, Decimal):
        return _decimal(value)
    return value


_ADAPTERS: dict[type, Callable[[Any], Any] | None] = {
    str: None,
    int: None,
    float: None,
    bytes: None,
    type(None): None,
    bool: int,
    datetime: _timestamp,
    date: date.isoformat,
    dict: _json,
    list: _json,
    Decimal: _decimal,
}

_STORED_AS_IS = frozenset(t for t, adapt in _ADAPTERS.items() if adapt is None)
# Hashable types whose stored form depends only on the value (equal values store alike).
_BY_VALUE: dict[type, Callable[[Any], Any]] = {bool: int, datetime: _timestamp, date: date.isoformat, Decimal: _decimal}


def adapt_rows(rows: list[Sequence[Any]]) -> list[Sequence[Any]]:
    """Adapt a batch column by column: a batch's rows share their types, so a column of text or integers is
    passed on untouched and a column of one other type is mapped by its one adapter, instead of looking up
    every value of every row (a reward batch binds tens of thousands)."""
    if len(rows) < 2 or len(set(map(len, rows))) != 1:
        return [[to_sql(p) for p in row] for row in rows]
    columns: list[Sequence[Any]] = []
    for column in zip(*rows, strict=True):
        types = set(map(type, column))
        if types <= _STORED_AS_IS:
            columns.append(column)
        elif len(types) == 1 and (kind := types.pop()) in _BY_VALUE:
            # Most of such a column is one value (the batch's now): adapt each distinct value once.
            adapt = _BY_VALUE[kind]
            adapted = {value: adapt(value) for value in set(column)}
            columns.append(list(map(adapted.__getitem__, column)))
        else:
            columns.append(list(map(to_sql, column)))
    return list(zip(*columns, strict=True))


def _parse_timestamp(raw: bytes) -> datetime:
    text = raw.decode()
    when = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _parse_number(raw: bytes) -> int | float:
    text = raw.decode()
    try:
        return int(text)
    except ValueError:
        number = float(text)
        return int(number) if number.is_integer() else number


_CONVERTERS = {
    "TIMESTAMPTZ": _parse_timestamp,
    "DATE": lambda raw: date.fromisoformat(raw.decode()),
    "JSONB": lambda raw: json.loads(raw.decode()),
    "BOOLEAN": lambda raw: raw not in (b"0", b"", b"false", b"FALSE"),
    "NUMERIC": _parse_number,
    "UUID": lambda raw: raw.decode(),
}
for _name, _fn in _CONVERTERS.items():
    sqlite3.register_converter(_name, _fn)
