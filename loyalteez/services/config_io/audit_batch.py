"""One audit row for an action made of many: an import runs admin service functions, each of which audits.

Pass `OneAuditRow(data)` to those functions instead of the server's data: every audit entry they write is
gathered in `actions` (action, target, details) rather than written, and everything else goes straight
to the real repositories, in the caller's transaction. The caller then writes its own single audit row,
listing the gathered actions in its details, so nothing the functions did goes unrecorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loyalteez.store import ScopedData


class _GatheredAudit:
    """Stands in for the audit repository: keeps what would have been written."""

    def __init__(self) -> None:
        self.actions: list[dict[str, Any]] = []

    async def append(
        self,
        row_id: str,
        *,
        action: str,
        target_user_id: str | None,
        details: Mapping[str, Any] | None,
        **_state: Any,
    ) -> None:
        self.actions.append(
            {
                "action": action,
                "target_user_id": target_user_id,
                "details": dict(details) if details is not None else None,
            }
        )


class OneAuditRow:
    def __init__(self, data: ScopedData) -> None:
        self._data = data
        self.audit = _GatheredAudit()

    @property
    def actions(self) -> list[dict[str, Any]]:
        return self.audit.actions

    def __getattr__(self, name: str) -> Any:
        return getattr(self._data, name)
