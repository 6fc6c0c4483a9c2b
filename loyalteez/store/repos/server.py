"""The server's own row: its link to a brand, life cycle and retention on disconnect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Row
from loyalteez.store.repos.base import Repository
from loyalteez.store.scope import Scope

CONFIGS = "discord_server_configs"
STATS = "discord_user_stats"
RULES = "monitoring_rules"
# Seed retention: user stats live only while the server is connected (streaks go with them);
# audit log, KPI snapshots, drop claims (and the rewards ledger) are kept forever.
DELETED_ON_DISCONNECT = (STATS, "discord_user_streaks")
# Handover: a server connected to a different brand starts from that brand's own config. The previous
# brand's per-server settings are cleared (server-specific reward rules, role bonuses, disabled members,
# KPI targets and their alert state, the report schedule and its state, drop watches, achievements with
# the members' progress on them, which like member stats is not history; its admin roles and other
# config_metadata go with the link row's reset); its history stays, under its own brand_id.
CLEARED_ON_HANDOVER = (
    RULES,
    "discord_user_achievements",
    "discord_achievements",
    "discord_role_configs",
    "loyalteez_disabled_members",
    "discord_kpi_configs",
    "loyalteez_kpi_alerts",
    "discord_report_schedules",
    "loyalteez_report_state",
    "loyalteez_drop_watches",
)


class ServerLinkedElsewhere(Exception):
    """The server is actively linked to another brand; it must be disconnected first."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """The server's link row as this brand sees it."""

    brand_id: str
    server_id: str
    server_name: str | None
    is_active: bool
    connected_at: datetime | None
    config_metadata: dict[str, Any]

    @classmethod
    def of(cls, row: Row) -> ServerConfig:
        metadata = row.get("config_metadata")
        return cls(
            brand_id=row["brand_id"],
            server_id=row["server_id"],
            server_name=row.get("server_name"),
            is_active=bool(row.get("is_active")),
            connected_at=row.get("connected_at"),
            config_metadata=metadata if isinstance(metadata, dict) else {},
        )


class RemovedRows(dict[str, int]):
    """Rows removed by a disconnect, per table (kept whole for the audit trail)."""

    @property
    def member_stats(self) -> int:
        """How many members' stats were removed."""
        return self.get(STATS, 0)


class ServerRepository(Repository):
    """The server's own row of one server."""

    async def config(self) -> ServerConfig | None:
        """This server's link row, if this brand has one for it."""
        row = await self._tables.get(CONFIGS, {})
        return ServerConfig.of(row) if row else None

    async def link(self, server_name: str | None) -> ServerConfig | None:
        """Link the server to the scope's brand (re-activating it); returns the link as it was before.

        Refuses while another brand holds an active link: one server belongs to one brand at a time.
        """
        async with self._db.transaction():
            before = await self._db.fetch_one(f"SELECT * FROM {CONFIGS} WHERE server_id = ?", [self.scope.server_id])
            if before and before["is_active"] and before["brand_id"] != self.scope.brand_id:
                raise ServerLinkedElsewhere(before["brand_id"])
            now = self._clock.now()
            if before is None:
                await self._tables.insert(
                    CONFIGS,
                    {"server_name": server_name, "is_active": True, "config_metadata": {}, "connected_at": now},
                )
            elif before["is_active"]:
                # Re-running connect on a linked server only refreshes its name: stats and the ledger
                # window (connected_at) carry on, or `check` would see drift.
                await self._tables.update(CONFIGS, {}, {"server_name": server_name})
            else:
                # A server that was disconnected may be taken over by a new brand; it starts fresh,
                # without the previous brand's settings (admin roles, channels, test mode, ...).
                same_brand = before["brand_id"] == self.scope.brand_id
                metadata = before["config_metadata"] if same_brand else {}
                await self._db.execute(
                    f"UPDATE {CONFIGS} SET brand_id = ?, server_name = ?, is_active = ?, config_metadata = ?, "
                    "connected_at = ?, updated_at = ?, config_version = config_version + 1 "
                    "WHERE server_id = ? AND is_active = ?",
                    [self.scope.brand_id, server_name, True, metadata, now, now, self.scope.server_id, False],
                )
        return ServerConfig.of(before) if before else None

    async def clear_previous_brand(self, previous_brand_id: str) -> RemovedRows:
        """After a handover: remove the previous brand's per-server settings here, end its live drops and
        perks; returns what changed, per table, for the audit trail. History is left alone."""
        if previous_brand_id == self.scope.brand_id:
            return RemovedRows()
        old = ScopedTables(self._db, self._tables.catalog, Scope(previous_brand_id, self.scope.server_id), self._clock)
        async with self._db.transaction():
            changed = RemovedRows({table: await old.delete(table) for table in CLEARED_ON_HANDOVER})
            now = self._clock.now()
            changed["discord_drops"] = await old.update("discord_drops", {"ended_at": None}, {"ended_at": now})
            changed["loyalteez_perks"] = await old.update("loyalteez_perks", {"is_active": True}, {"is_active": False})
        return changed

    async def unlink(self) -> RemovedRows:
        """Disconnect: mark inactive and apply the retention rules; returns what was removed."""
        async with self._db.transaction():
            removed = RemovedRows({table: await self._tables.delete(table) for table in DELETED_ON_DISCONNECT})
            await self._tables.update(CONFIGS, {}, {"is_active": False})
        return removed

    async def tracked_members(self) -> int:
        """Members with stats on this server."""
        return await self._tables.count(STATS)

    async def reward_event_count(self) -> int:
        """Reward events this server sees (its own and its brand's server-wide ones)."""
        return await self._tables.count(RULES)
