"""Server settings kept in the server's config metadata, changed with an audit row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loyalteez.services.access import audit
from loyalteez.store import ScopedData


async def set_metadata(data: ScopedData, actor_id: str, action: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change some config_metadata keys (others kept) and record before/after; returns the new metadata."""
    async with data.rewards.transaction():
        before = await data.rewards.metadata()
        await data.rewards.set_metadata(changes)
        after = await data.rewards.metadata()
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action=action,
            before={k: before.get(k) for k in changes},
            after={k: after.get(k) for k in changes},
        )
    return after
