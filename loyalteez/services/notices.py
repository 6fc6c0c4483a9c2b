"""Announcements waiting to be sent: an achievement completed, a community goal reached.

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
from loyalteez.store import ScopedData
from loyalteez.store.repos.notices import Notice

KEEP_SENT = timedelta(days=30)
Kind = Literal["achievement", "goal"]


async def add(
    data: ScopedData, kind: Kind, member_id: str | None, subject_id: str, details: dict[str, Any] | None = None
) -> None:
    await data.notices.add(new_id(), kind, member_id, str(subject_id), details or {})


async def pending(data: ScopedData, kind: Kind, limit: int = 1000) -> list[Notice]:
    return await data.notices.pending(kind, limit)


async def mark_sent(data: ScopedData, notice_ids: Sequence[str], now: datetime) -> None:
    await data.notices.mark_sent(notice_ids, now)


async def prune(data: ScopedData, now: datetime) -> int:
    """Forget notices sent more than 30 days ago."""
    return await data.notices.prune(now - KEEP_SENT)


def by_member(rows: Sequence[Notice]) -> dict[str | None, list[Notice]]:
    """Pending notices grouped by who is told (None: the admin channel), oldest first within each."""
    grouped: dict[str | None, list[Notice]] = {}
    for row in rows:
        grouped.setdefault(row.member_id, []).append(row)
    return grouped
