"""Announcements waiting to be sent (loyalteez_notices): an achievement completed, a community goal reached.

A notice is written in the same transaction as the completion it announces, so it exists exactly when the
completion committed; the adapter's sweep (at most once a minute, by the injected clock) sends each member
one message with everything pending for them, and marks the notices sent. A crash between sending and
marking can repeat one message; a completion is never lost and never announced from a rolled-back batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from loyalteez.ids import new_id
from loyalteez.store import ServerStore

NOTICES = "loyalteez_notices"
KEEP_SENT = timedelta(days=30)
Kind = Literal["achievement", "goal"]


async def add(
    data: ServerStore, kind: Kind, member_id: str | None, subject_id: str, details: dict[str, Any] | None = None
) -> None:
    await data.insert(
        NOTICES,
        {
            "notice_id": new_id(),
            "kind": kind,
            "discord_user_id": member_id,
            "subject_id": str(subject_id),
            "details": details or {},
        },
    )


async def pending(data: ServerStore, kind: Kind, limit: int = 1000) -> list[dict[str, Any]]:
    return await data.select(NOTICES, {"kind": kind, "sent_at": None}, order_by=("created_at",), limit=limit)


async def mark_sent(data: ServerStore, notice_ids: Sequence[str], now: datetime) -> None:
    if notice_ids:
        await data.update(NOTICES, {"notice_id": ("IN", list(notice_ids))}, {"sent_at": now})


async def prune(data: ServerStore, now: datetime) -> int:
    """Forget notices sent more than 30 days ago."""
    return await data.delete(NOTICES, {"sent_at": ("<", now - KEEP_SENT)})


def by_member(rows: Sequence[dict[str, Any]]) -> dict[str | None, list[dict[str, Any]]]:
    """Pending notices grouped by who is told (None: the admin channel), oldest first within each."""
    grouped: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["discord_user_id"], []).append(row)
    return grouped
