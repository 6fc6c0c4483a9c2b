"""The server an operator command acts on (`--server ID`): it must be connected to a brand."""

from __future__ import annotations

from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, ScopedData, Store


async def connected_server(store: Store, server_id: str) -> ScopedData:
    """The scoped store of a connected server, or a ValidationError saying how to connect it."""
    server_id = str(server_id).strip()
    link = await store.server_link(server_id) if server_id.isdigit() else None
    if link is None or not link["is_active"]:
        raise ValidationError(
            "server",
            f"server {server_id} is not connected to a brand: check the id (in Discord: right-click the "
            "server, Copy Server ID) or connect it with /setup connect first",
        )
    return store.scoped(Scope(link["brand_id"], server_id))
