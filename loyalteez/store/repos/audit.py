"""The append-only audit trail of admin and system actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from loyalteez.store.database import Row
from loyalteez.store.repos.base import Repository

AUDIT = "discord_audit_log"


class AuditRepository(Repository):
    """The append-only audit trail of admin and system actions of one server."""

    async def append(
        self,
        row_id: str,
        *,
        actor_type: str,
        actor_id: str | None,
        action: str,
        target_user_id: str | None,
        details: Mapping[str, Any] | None,
        before_state: Mapping[str, Any] | None,
        after_state: Mapping[str, Any] | None,
        is_test: bool,
    ) -> None:
        """Add one entry in the caller's transaction."""
        await self._tables.insert(
            AUDIT,
            {
                "id": row_id,
                "actor_type": actor_type,
                "actor_id": actor_id,
                "action": action,
                "target_user_id": target_user_id,
                "details": dict(details) if details is not None else None,
                "before_state": dict(before_state) if before_state is not None else None,
                "after_state": dict(after_state) if after_state is not None else None,
                "is_test": is_test,
            },
        )

    async def newest_snapshot(
        self,
        *,
        target_user_id: str | None = None,
        actions_in: Sequence[str] | None = None,
        actions_not_in: Sequence[str] | None = None,
        limit: int,
    ) -> list[Row]:
        """Entries newest first, as stored (the /audit listing and its CSV show them whole)."""
        where: dict[str, Any] = {}
        if target_user_id:
            where["target_user_id"] = target_user_id
        if actions_in is not None:
            where["action"] = ("IN", tuple(actions_in))
        elif actions_not_in is not None:
            where["action"] = ("NOT IN", tuple(actions_not_in))
        return await self._tables.select(AUDIT, where, order_by=["created_at DESC", "id DESC"], limit=limit)

    async def actions(self) -> list[str]:
        """Every entry's action, oldest first."""
        rows = await self._tables.select(AUDIT, order_by=["created_at", "id"])
        return [str(r["action"]) for r in rows]
