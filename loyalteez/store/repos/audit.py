"""The append-only audit trail of admin and system actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store.database import Row
from loyalteez.store.repos.base import Repository

AUDIT = "discord_audit_log"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries a listing keeps: on one member, of some actions (or all but some), in [since, until)."""

    target_user_id: str | None = None
    actions_in: Sequence[str] | None = None
    actions_not_in: Sequence[str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    # Only entries whose details, before or after state contain this text (a coarse pre-filter for an
    # event name the service then checks exactly: the JSON's layout differs by engine).
    mentions: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row to add."""

    row_id: str
    actor_type: str
    actor_id: str | None
    action: str
    target_user_id: str | None
    details: Mapping[str, Any] | None
    before_state: Mapping[str, Any] | None
    after_state: Mapping[str, Any] | None
    is_test: bool


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
        await self.append_many(
            [
                AuditEntry(
                    row_id, actor_type, actor_id, action, target_user_id, details, before_state, after_state, is_test
                )
            ]
        )

    async def append_many(self, entries: Sequence[AuditEntry]) -> None:
        """Add entries in the caller's transaction, as one statement (a crowd's drop claims in one turn)."""
        rows = [
            {
                "id": e.row_id,
                "actor_type": e.actor_type,
                "actor_id": e.actor_id,
                "action": e.action,
                "target_user_id": e.target_user_id,
                "details": dict(e.details) if e.details is not None else None,
                "before_state": dict(e.before_state) if e.before_state is not None else None,
                "after_state": dict(e.after_state) if e.after_state is not None else None,
                "is_test": e.is_test,
            }
            for e in entries
        ]
        if len(rows) == 1:
            # goes to PostgreSQL with the transaction's next statement or its COMMIT
            await self._tables.insert(AUDIT, rows[0], queued=True)
            return
        await self._tables.insert_many(AUDIT, rows, queued=True)

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

    def _filtered(self, chosen: AuditFilter) -> tuple[str, list[Any]]:
        sql, params = self._tables.scope_filter(AUDIT)
        parts = [sql]
        if chosen.target_user_id:
            parts.append("target_user_id = ?")
            params.append(chosen.target_user_id)
        for names, op in ((chosen.actions_in, "IN"), (chosen.actions_not_in, "NOT IN")):
            if names is not None:
                parts.append(f"action {op} ({', '.join('?' * len(names))})" if names else "1 = 1")
                params.extend(names)
        if chosen.since is not None:
            parts.append("created_at >= ?")
            params.append(chosen.since)
        if chosen.until is not None:
            parts.append("created_at < ?")
            params.append(chosen.until)
        if chosen.mentions:
            parts.append(" OR ".join(f"CAST({c} AS TEXT) LIKE ?" for c in ("details", "before_state", "after_state")))
            parts[-1] = f"({parts[-1]})"
            params.extend([f"%{chosen.mentions}%"] * 3)
        return " AND ".join(parts), params

    async def newest_after(self, chosen: AuditFilter, after: tuple[Any, Any] | None, limit: int) -> list[Row]:
        """Up to `limit` entries newest first, continuing below the (created_at, id) of the last one read.

        Keyset paging down the (server_id, created_at) index: a page or a streamed export costs the rows
        it reads, however long the trail is.
        """
        sql, params = self._filtered(chosen)
        if after is not None:
            sql += " AND (created_at, id) < (?, ?)"  # a row value: one index range on both engines
            params.extend(after)
        return await self._db.fetch_all(
            f"SELECT * FROM {AUDIT} WHERE {sql} ORDER BY created_at DESC, id DESC LIMIT ?", [*params, int(limit)]
        )

    async def newest_page(self, chosen: AuditFilter, limit: int, offset: int) -> list[Row]:
        sql, params = self._filtered(chosen)
        return await self._db.fetch_all(
            f"SELECT * FROM {AUDIT} WHERE {sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )

    async def count(self, chosen: AuditFilter) -> int:
        sql, params = self._filtered(chosen)
        return int(await self._db.fetch_value(f"SELECT COUNT(*) FROM {AUDIT} WHERE {sql}", params) or 0)

    async def actions(self) -> list[str]:
        """Every entry's action, oldest first."""
        rows = await self._tables.select(AUDIT, order_by=["created_at", "id"])
        return [str(r["action"]) for r in rows]
