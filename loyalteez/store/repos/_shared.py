"""Counting helpers the engagement repositories share (drops, achievements, goals)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from loyalteez.store._tables import ScopedTables

CHUNK = 1000  # members per IN (...) list, well under both engines' parameter limits


def chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def marks(items: Sequence[Any]) -> str:
    return ", ".join("?" * len(items))


async def member_counts(tables: ScopedTables, table: str, member_ids: Sequence[str] | None) -> dict[str, int]:
    """Rows per member in one of the scope's tables (every member when None)."""
    scope_sql, params = tables.scope_filter(table)
    if member_ids is None:
        rows = await tables.db.fetch_all(
            f"SELECT discord_user_id, COUNT(*) AS n FROM {table} WHERE {scope_sql} GROUP BY discord_user_id",
            params,
        )
        return {r["discord_user_id"]: int(r["n"]) for r in rows}
    counts: dict[str, int] = {}
    for chunk in chunks(list(member_ids)):
        rows = await tables.db.fetch_all(
            f"SELECT discord_user_id, COUNT(*) AS n FROM {table} WHERE {scope_sql} "
            f"AND discord_user_id IN ({marks(chunk)}) GROUP BY discord_user_id",
            [*params, *chunk],
        )
        counts.update({r["discord_user_id"]: int(r["n"]) for r in rows})
    return counts
