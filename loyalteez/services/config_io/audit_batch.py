"""One audit row for an action made of many: an import runs admin service functions, each of which audits.

Pass `OneAuditRow(data)` to those functions instead of the server's store: every audit row they write is
gathered in `actions` (action, target, details) rather than written, and everything else goes straight
to the real store, in the caller's transaction. The caller then writes its own single audit row, listing
the gathered actions in its details, so nothing the functions did goes unrecorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loyalteez.store import ServerStore

AUDIT_TABLE = "discord_audit_log"


class OneAuditRow:
    def __init__(self, data: ServerStore) -> None:
        self._data = data
        self.actions: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._data, name)

    async def insert(self, table: str, row: Mapping[str, Any], *, ignore_conflict: bool = False) -> bool:
        if table == AUDIT_TABLE:
            self.actions.append({k: row.get(k) for k in ("action", "target_user_id", "details")})
            return True
        return await self._data.insert(table, row, ignore_conflict=ignore_conflict)
