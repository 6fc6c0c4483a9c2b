"""Admin actions start here: the service opens the caller's server and checks the level it needs."""

from __future__ import annotations

from loyalteez.services.access.permissions import Caller, Level, require
from loyalteez.store import Scope, ScopedData, Store


async def open_admin(store: Store, scope: Scope, caller: Caller, needed: Level) -> ScopedData:
    """The server's data for a caller holding `needed`; raises PermissionDenied naming the level otherwise.

    Levels come from the caller's current roles and the server's admin-role mapping, read fresh, so a
    role removed a moment ago no longer counts.
    """
    data = store.scoped(scope)
    require(caller, await data.rewards.metadata(), needed)
    return data
