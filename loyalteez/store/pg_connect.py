"""Connecting to PostgreSQL: our own URL options, transaction-mode poolers, and one-sentence connect errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from loyalteez import logsafe
from loyalteez.store.database import DatabaseError

CONNECT_TIMEOUT = 10.0


def redact(url: str) -> str:
    """The URL without its password (`user:pass@` or `?password=`), for messages and logs."""
    return logsafe.redact_url(url)


# The ports transaction-mode poolers listen on by default: Supabase's (Supavisor) and PgBouncer's.
POOLER_PORTS = frozenset({6543, 6432})


def behind_pooler(url: str) -> bool:
    """Whether a URL names a transaction-mode pooler by its port (Supabase 6543, PgBouncer 6432)."""
    try:
        return urlsplit(url).port in POOLER_PORTS
    except ValueError:
        return False


# Whether reward writes are decided before taking the rewards locks and written behind a guard
# (services/rewards/batch.py): `auto` does so when the database is a slow round trip away.
OPTIMISTIC_WRITES = "optimistic_writes"
OPTIMISTIC_CHOICES = ("auto", "on", "off")


def split_options(url: str) -> tuple[str, dict[str, Any]]:
    """Take our own query options out of the URL (asyncpg would send unknown ones to the server).

    A transaction-mode pooler gives each transaction any server connection, where statements asyncpg
    prepared on another one do not exist: its statement cache is turned off for the pooler ports, and by
    `?statement_cache_size=0` for a pooler elsewhere.
    """
    parts = urlsplit(url)
    query: list[tuple[str, str]] = []
    options: dict[str, Any] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "statement_cache_size":
            options[key] = int(value)
        elif key in ("pool_min_size", "pool_max_size"):
            options[key.removeprefix("pool_")] = int(value)
        elif key == OPTIMISTIC_WRITES:
            if value not in OPTIMISTIC_CHOICES:
                raise ValueError(f"{OPTIMISTIC_WRITES} must be one of {', '.join(OPTIMISTIC_CHOICES)}, not {value!r}")
            options[key] = value
        else:
            query.append((key, value))
    if "statement_cache_size" not in options and behind_pooler(url):
        options["statement_cache_size"] = 0
    return urlunsplit(parts._replace(query=urlencode(query))), options


def connect_error(url: str, exc: BaseException) -> DatabaseError:
    where = redact(url)
    if isinstance(exc, TimeoutError):
        reason = f"no answer within {CONNECT_TIMEOUT:.0f} s"
    elif isinstance(exc, ConnectionRefusedError):
        reason = "connection refused (is the server running, and are host and port right?)"
    elif isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
    else:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DatabaseError(f"cannot connect to PostgreSQL at {where}: {reason}")
