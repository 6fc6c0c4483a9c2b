"""One server's data as its brand sees it: generic scoped access plus the server's life cycle."""

from __future__ import annotations

from typing import Any

from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Row
from loyalteez.store.engagement_activity_store import EngagementActivityStoreMixin
from loyalteez.store.engagement_rewards_store import EngagementRewardsStoreMixin
from loyalteez.store.io_store import IoStoreMixin
from loyalteez.store.reliability_store import ReliabilityStoreMixin
from loyalteez.store.rewards_store import RewardsStoreMixin
from loyalteez.store.standings_store import StandingsStoreMixin

# Seed retention: user stats live only while the server is connected (streaks go with them);
# audit log, KPI snapshots, drop claims (and the rewards ledger) are kept forever.
DELETED_ON_DISCONNECT = ("discord_user_stats", "discord_user_streaks")


class ServerLinkedElsewhere(Exception):
    """The server is actively linked to another brand; it must be disconnected first."""


class ServerStore(
    RewardsStoreMixin,
    IoStoreMixin,
    StandingsStoreMixin,
    EngagementRewardsStoreMixin,
    ReliabilityStoreMixin,
    EngagementActivityStoreMixin,
    ScopedTables,
):
    async def config(self) -> Row | None:
        """This server's discord_server_configs row, if this brand has one for it."""
        return await self.get("discord_server_configs", {})

    async def link(self, server_name: str | None) -> Row | None:
        """Link the server to the scope's brand (re-activating it); returns the row as it was before.

        Refuses while another brand holds an active link: one server belongs to one brand at a time.
        """
        async with self.db.transaction():
            before = await self.db.fetch_one(
                "SELECT * FROM discord_server_configs WHERE server_id = ?", [self.scope.server_id]
            )
            if before and before["is_active"] and before["brand_id"] != self.scope.brand_id:
                raise ServerLinkedElsewhere(before["brand_id"])
            now = self.clock.now()
            if before is None:
                await self.insert(
                    "discord_server_configs",
                    {"server_name": server_name, "is_active": True, "config_metadata": {}, "connected_at": now},
                )
            elif before["is_active"]:
                # Re-running connect on a linked server only refreshes its name: stats and the ledger
                # window (connected_at) carry on, or `check` would see drift.
                await self.update("discord_server_configs", {}, {"server_name": server_name})
            else:
                # A server that was disconnected may be taken over by a new brand; it starts fresh.
                await self.db.execute(
                    "UPDATE discord_server_configs SET brand_id = ?, server_name = ?, is_active = ?, "
                    "connected_at = ?, updated_at = ? WHERE server_id = ? AND is_active = ?",
                    [self.scope.brand_id, server_name, True, now, now, self.scope.server_id, False],
                )
        return before

    async def unlink(self) -> dict[str, Any]:
        """Disconnect: mark inactive and apply the retention rules; returns what was removed."""
        async with self.db.transaction():
            removed = {table: await self.delete(table) for table in DELETED_ON_DISCONNECT}
            await self.update("discord_server_configs", {}, {"is_active": False})
        return removed
