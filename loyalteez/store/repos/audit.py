"""The append-only audit trail of admin and system actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loyalteez.store.repos.base import Repository

AUDIT_LOG = "discord_audit_log"


class AuditRepository(Repository):
    """The append-only audit trail of admin and system actions of one server."""

    async def recent_snapshots(
        self,
        *,
        target_user_id: str | None = None,
        actions: Sequence[str] = (),
        exclude_actions: bool = False,
        limit: int,
    ) -> list[dict[str, Any]]:
        """The newest audit rows, whole (they are shown and exported as they are), newest first.

        `actions` keeps only those actions, or with `exclude_actions` every other one.
        """
        where: dict[str, Any] = {}
        if target_user_id:
            where["target_user_id"] = target_user_id
        if actions:
            where["action"] = ("NOT IN" if exclude_actions else "IN", tuple(actions))
        return await self._tables.select(AUDIT_LOG, where, order_by=["created_at DESC", "id DESC"], limit=limit)
