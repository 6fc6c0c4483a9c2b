"""Normalising values that lose their column type on the way back (aggregates over TIMESTAMPTZ on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def as_utc(value: Any) -> datetime | None:
    """MAX(created_at) comes back as ISO text on SQLite and as a datetime on PostgreSQL: one answer for both."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    text = value if type(value) is str else str(value)
    moment = datetime.fromisoformat(text if "T" in text else text.replace(" ", "T", 1))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
