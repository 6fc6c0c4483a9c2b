"""Reward configuration of one server: events (monitoring rules), role bonuses, server metadata, disabled members.

Config writes here bump an in-process generation number per server, which the engine's rule cache
compares on every batch: a change made through these methods is seen by the very next event. The brand
row (its budget, set by the operator CLI in another process) is compared every few seconds through
`brand_version`; other changes made elsewhere are seen within the cache's TTL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from weakref import WeakKeyDictionary

from loyalteez.store.database import Row
from loyalteez.store.repos.base import Repository

SERVERS = "discord_server_configs"
RULES = "monitoring_rules"
ROLES = "discord_role_configs"
DISABLED = "loyalteez_disabled_members"

# db -> (brand_id, server_id) -> generation; weak so a closed store's counters go with it.
_GENERATIONS: WeakKeyDictionary[Any, dict[tuple[str, str], int]] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class RewardsConfigRows:
    """Everything the engine's config cache reads in one go; rule rows go to the rule parser as they are."""

    rules: list[Row]
    roles: list[Row]
    metadata: dict[str, Any]
    disabled: frozenset[str]
    budget: int | None


@dataclass(frozen=True, slots=True)
class RoleEffect:
    """One effect a role gives (values as stored: NUMERIC comes back as Decimal or float by engine)."""

    role_id: str
    effect_type: str
    effect_value: Decimal | float | int
    priority: int | None


@dataclass(frozen=True, slots=True)
class DisabledMember:
    member_id: str
    reason: str | None
    disabled_by: str | None
    since: datetime | None


def _role_effect(row: Row) -> RoleEffect:
    return RoleEffect(str(row["discord_role_id"]), row["effect_type"], row["effect_value"], row["priority"])


def _disabled(row: Row) -> DisabledMember:
    return DisabledMember(row["discord_user_id"], row["reason"], row["disabled_by"], row["created_at"])


class RewardsRepository(Repository):
    """Reward configuration of one server."""

    # -- cache invalidation ------------------------------------------------------------------------------

    def generation(self) -> int:
        """How many times this server's reward config was changed through this process."""
        return _GENERATIONS.get(self._db, {}).get((self.scope.brand_id, self.scope.server_id), 0)

    def config_changed(self) -> None:
        gens = _GENERATIONS.setdefault(self._db, {})
        key = (self.scope.brand_id, self.scope.server_id)
        gens[key] = gens.get(key, 0) + 1

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """A config change: commits together, holding the server's rewards lock (see lock).

        Holding it means the engine, which reads the generation and the config under the same lock,
        never caches a config read before this change committed but stamped with its new generation.
        """
        async with self._db.transaction():
            await self.lock(brand=False)
            yield

    async def lock(self, *, brand: bool) -> None:
        """Serialise reward decisions for this server (and, with `brand`, the brand's budget) until commit.

        The engine checks caps and budgets, then writes: two transactions doing that at once could both
        pass a cap. SQLite already runs one writer at a time; on PostgreSQL a no-op UPDATE takes the row
        lock. Callers lock brands before servers, in sorted order, so two batches cannot deadlock.
        """
        if brand:
            await self._db.queue(
                "UPDATE loyalteez_brands SET updated_at = updated_at WHERE brand_id = ?",
                [self.scope.brand_id],
                once=True,
            )
        await self._db.queue(  # sent with the reads that follow: one round trip
            "UPDATE discord_server_configs SET updated_at = updated_at WHERE server_id = ? AND brand_id = ?",
            [self.scope.server_id, self.scope.brand_id],
            once=True,
        )

    async def brand_version(self) -> tuple[Any, ...]:
        """A cheap stamp of the brand row (budget and last change), which the operator CLI writes from
        another process: the engine's config cache compares it every few seconds."""
        row = await self._db.fetch_one(
            "SELECT ltz_budget, updated_at FROM loyalteez_brands WHERE brand_id = ?", [self.scope.brand_id]
        )
        return (None, None) if row is None else (row["ltz_budget"], row["updated_at"])

    # -- the config the engine caches ---------------------------------------------------------------------

    async def config_rows(self) -> RewardsConfigRows:
        config = await self._tables.get(SERVERS, {})
        brand = await self._db.fetch_one(
            "SELECT ltz_budget FROM loyalteez_brands WHERE brand_id = ?", [self.scope.brand_id]
        )
        metadata = (config or {}).get("config_metadata") or {}
        return RewardsConfigRows(
            rules=await self._tables.select(RULES),
            roles=await self._tables.select(ROLES),
            metadata=metadata if isinstance(metadata, dict) else {},
            disabled=frozenset(r["discord_user_id"] for r in await self._tables.select(DISABLED)),
            budget=None if brand is None or brand["ltz_budget"] is None else int(brand["ltz_budget"]),
        )

    # -- events (monitoring rules) ------------------------------------------------------------------------

    async def rule_rows(self, event_type: str | None = None) -> list[Row]:
        """The rules this server sees (its own and brand-wide), or one event's, as rows.

        Rows, not typed objects: the rule parser (services/rewards/rules.py) reads them, and the admin
        commands keep them whole as the audit log's before/after snapshots.
        """
        return await self._tables.select(RULES, None if event_type is None else {"event_type": event_type})

    async def insert_rule(self, row: Mapping[str, Any]) -> bool:
        """Add a rule for this server; False when the server already has that event."""
        added = await self._tables.insert(RULES, row, ignore_conflict=True)
        self.config_changed()
        return added

    async def update_rule(self, event_type: str, values: Mapping[str, Any]) -> int:
        changed = await self._tables.update(RULES, {"event_type": event_type}, values)
        self.config_changed()
        return changed

    async def delete_rule(self, event_type: str) -> int:
        removed = await self._tables.delete(RULES, {"event_type": event_type})
        self.config_changed()
        return removed

    # -- role bonuses -------------------------------------------------------------------------------------

    async def role_effects(self, role_id: str | None = None, effect_type: str | None = None) -> list[RoleEffect]:
        """The server's role effects, or one role's (and one effect type's)."""
        where: dict[str, Any] = {}
        if role_id is not None:
            where["discord_role_id"] = role_id
        if effect_type is not None:
            where["effect_type"] = effect_type
        return [_role_effect(r) for r in await self._tables.select(ROLES, where or None)]

    async def role_effect(self, role_id: str, effect_type: str) -> RoleEffect | None:
        row = await self._tables.get(ROLES, {"discord_role_id": role_id, "effect_type": effect_type})
        return None if row is None else _role_effect(row)

    async def set_role_effect(self, row: Mapping[str, Any]) -> None:
        await self._tables.upsert(
            ROLES, row, key=("server_id", "discord_role_id", "effect_type"), update=("effect_value", "priority")
        )
        self.config_changed()

    async def remove_role_effects(self, role_id: str, effect_type: str | None) -> int:
        where: dict[str, Any] = {"discord_role_id": role_id}
        if effect_type is not None:
            where["effect_type"] = effect_type
        removed = await self._tables.delete(ROLES, where)
        self.config_changed()
        return removed

    # -- server metadata ----------------------------------------------------------------------------------

    async def metadata(self) -> dict[str, Any]:
        config = await self._tables.get(SERVERS, {})
        metadata = (config or {}).get("config_metadata") or {}
        return dict(metadata) if isinstance(metadata, dict) else {}

    async def set_metadata(self, changes: Mapping[str, Any]) -> None:
        """Change some config_metadata keys, keeping the others (call inside a transaction)."""
        metadata = await self.metadata()
        metadata.update(changes)
        await self._tables.update(SERVERS, {}, {"config_metadata": metadata})
        self.config_changed()

    # -- disabled members ---------------------------------------------------------------------------------

    async def disabled_member(self, member_id: str) -> DisabledMember | None:
        row = await self._tables.get(DISABLED, {"discord_user_id": member_id})
        return None if row is None else _disabled(row)

    async def disabled_members(self) -> list[DisabledMember]:
        """Most recently disabled first."""
        return [_disabled(r) for r in await self._tables.select(DISABLED, order_by=("created_at DESC",))]

    async def disable_member(self, member_id: str, reason: str | None, by: str) -> None:
        await self._tables.upsert(
            DISABLED,
            {"discord_user_id": member_id, "reason": reason, "disabled_by": by},
            key=("server_id", "discord_user_id"),
        )
        self.config_changed()

    async def enable_member(self, member_id: str) -> int:
        removed = await self._tables.delete(DISABLED, {"discord_user_id": member_id})
        self.config_changed()
        return removed
