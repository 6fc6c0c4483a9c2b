"""The audit trail: every admin action (and every bot or scheduler action on config) is on record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from loyalteez.ids import new_id
from loyalteez.store import ScopedData

ActorType = Literal["admin", "bot", "system", "user"]


async def record(
    data: ScopedData,
    *,
    actor_type: ActorType,
    actor_id: str | None,
    action: str,
    target_user_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    is_test: bool = False,
) -> str:
    """Append one audit row in the caller's scope (and transaction); returns its id."""
    row_id = new_id()
    await data.insert(
        "discord_audit_log",
        {
            "id": row_id,
            "actor_type": actor_type,
            "actor_id": actor_id,
            "action": action,
            "target_user_id": target_user_id,
            "details": dict(details) if details is not None else None,
            "before_state": _jsonable(before),
            "after_state": _jsonable(after),
            "is_test": is_test,
        },
    )
    return row_id


def _jsonable(state: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Rows hold datetimes; the audit keeps them as ISO text so the JSON column accepts them."""
    if state is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in state.items()}
