"""Announcements waiting to be sent: an achievement completed, a community goal reached."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store.database import Row
from loyalteez.store.repos.base import Repository

NOTICES = "loyalteez_notices"


@dataclass(frozen=True, slots=True)
class Notice:
    notice_id: str
    kind: str
    member_id: str | None  # who is told; None: the admin channel
    subject_id: str
    details: dict[str, Any]
    created_at: datetime | None
    sent_at: datetime | None

    @classmethod
    def of(cls, row: Row) -> Notice:
        details = row.get("details")
        return cls(
            notice_id=str(row["notice_id"]),
            kind=row["kind"],
            member_id=row.get("discord_user_id"),
            subject_id=str(row["subject_id"]),
            details=details if isinstance(details, dict) else {},
            created_at=row.get("created_at"),
            sent_at=row.get("sent_at"),
        )


class NoticesRepository(Repository):
    """Pending and recently sent announcements of one server."""

    async def add(
        self, notice_id: str, kind: str, member_id: str | None, subject_id: str, details: dict[str, Any]
    ) -> None:
        await self._tables.insert(
            NOTICES,
            {
                "notice_id": notice_id,
                "kind": kind,
                "discord_user_id": member_id,
                "subject_id": subject_id,
                "details": details,
            },
        )

    async def pending(self, kind: str, limit: int) -> list[Notice]:
        """Unsent notices of one kind, oldest first."""
        rows = await self._tables.select(
            NOTICES, {"kind": kind, "sent_at": None}, order_by=("created_at",), limit=limit
        )
        return [Notice.of(r) for r in rows]

    async def mark_sent(self, notice_ids: Sequence[str], now: datetime) -> None:
        if notice_ids:
            await self._tables.update(NOTICES, {"notice_id": ("IN", list(notice_ids))}, {"sent_at": now})

    async def prune(self, sent_before: datetime) -> int:
        """Forget notices sent before a moment; returns how many."""
        return await self._tables.delete(NOTICES, {"sent_at": ("<", sent_before)})
