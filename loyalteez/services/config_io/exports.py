"""/export for an admin: one export of the caller's server as an attachment (viewer level)."""

from __future__ import annotations

from loyalteez.clock import Clock
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.config_io import tables
from loyalteez.services.config_io.tables import ExportFile
from loyalteez.store import Scope, Store


class ExportService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def attachment(self, scope: Scope, caller: Caller, kind: str, fmt: str | None) -> ExportFile:
        """The export in memory, refused (ExportTooLarge) past Discord's attachment limit."""
        data = await open_admin(self.store, scope, caller, Level.VIEWER)
        # Read at call time: the limit is Discord's and tests lower it.
        return await tables.build_export(data, kind, fmt, self.clock.now(), limit=tables.ATTACHMENT_LIMIT)
