"""How values cross between the store and asyncpg: `?` placeholders, codecs, command tags, column types.

Store SQL is written once with `?` placeholders; `to_dollar` rewrites them to `$1..$n`, and the codecs set
on every pooled connection make rows come back exactly as the SQLite driver returns them (JSON parsed, UUID
as str, NUMERIC as int when integral else float).
"""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from loyalteez.store.pg_literals import LEXEME as _LEXEME

# format_type() spelling -> the declared type name the SQLite driver reports for the same schema.sql column.
_TYPE_NAMES = {
    "timestamp with time zone": "TIMESTAMPTZ",
    "timestamp without time zone": "TIMESTAMP",
    "character varying": "VARCHAR",
    "character": "CHAR",
    "double precision": "DOUBLE PRECISION",
}


@functools.lru_cache(maxsize=2048)
def to_dollar(sql: str) -> str:
    """Rewrite `?` placeholders as `$1..$n`, leaving literals, identifiers and comments untouched.

    Every `?` outside those is a placeholder: the store never uses PostgreSQL's jsonb `?` operators
    (they are not portable), so there is no ambiguity to resolve.
    """
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) != "?":
            return match.group(0)
        count += 1
        return f"${count}"

    return _LEXEME.sub(replace, sql)


def param(value: Any) -> Any:
    """Refuse what the SQLite driver refuses, so both engines accept the same inputs."""
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} cannot be stored: use UTC")
    return value


def _numeric_out(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric_in(text: str) -> int | float:
    """NUMERIC as the SQLite driver returns it: int when integral, else float."""
    number = Decimal(text)
    if not number.is_finite():
        return float(number)
    return int(number) if number == number.to_integral_value() else float(number)


def _json_out(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


async def setup_connection(conn: asyncpg.Connection) -> None:
    """Codecs on one connection (the pool's init hook; tests use it on their own connections too)."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=_json_out, decoder=json.loads, schema="pg_catalog", format="text")
    await conn.set_type_codec("uuid", encoder=str, decoder=str, schema="pg_catalog", format="text")
    await conn.set_type_codec("numeric", encoder=_numeric_out, decoder=_numeric_in, schema="pg_catalog", format="text")


async def reset(conn: asyncpg.Connection) -> None:
    """Pool release hook, replacing asyncpg's reset query (asyncpg still rolls back an open transaction).

    The default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on every
    release: one more round trip for every lone statement, which doubles a point read's latency against a
    remote Supabase. The store never changes session state (no SET without LOCAL, LISTEN, advisory locks,
    cursors), so there is nothing to reset; code that must change settings uses SET LOCAL in a transaction.
    """
    if conn.is_in_transaction():  # belt and braces: never hand out a connection inside a transaction
        await conn.execute("ROLLBACK")


def rowcount(status: str) -> int:
    """Rows changed, from a command tag like 'INSERT 0 3', 'UPDATE 2' or 'CREATE TABLE' (-1, as SQLite)."""
    last = status.rsplit(" ", 1)[-1] if status else ""
    return int(last) if last.isdigit() else -1


def declared_type(pg_type: str) -> str:
    """'timestamp with time zone' -> 'TIMESTAMPTZ', 'numeric(10,2)' -> 'NUMERIC(10,2)', 'jsonb' -> 'JSONB'."""
    base, paren, rest = pg_type.partition("(")
    return (_TYPE_NAMES.get(base.strip(), base.strip()) + paren + rest).upper()
