"""Reward configuration of one server: events (monitoring rules), role bonuses, server metadata, disabled members.

Config writes here move the server's `config_version` (a column of its discord_server_configs row) in the
same transaction, and bump an in-process generation number per server at once, which the engine's rule cache
compares on every batch: a change made through these methods is seen by this process's very next event.

Other processes (another bot process, the web dashboard's, the operator CLI) see it as soon as they write a
reward: the engine's cached config carries the version it was read at, and the statements that write rewards
check it on the server (the guard of an unlocked batch, or a check queued right after the rewards lock), no
round trip of their own and no session state, so it works through a transaction-mode pooler. A mismatch raises
a serialization failure naming the server; `note_conflict` (the store's transaction calls it) then bumps the
generation, so the retry reloads the config. Reads outside a transaction compare the version with the brand
row's stamp every few seconds (`brand_version`): the brand's budget, which the operator CLI sets.
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
from loyalteez.store.repos.ledger_guard import CONFIG_CHANGED, config_block

SERVERS = "discord_server_configs"
RULES = "monitoring_rules"
ROLES = "discord_role_configs"
DISABLED = "loyalteez_disabled_members"

# db -> (brand_id, server_id) -> generation; weak so a closed store's counters go with it.
_GENERATIONS: WeakKeyDictionary[Any, dict[tuple[str, str], int]] = WeakKeyDictionary()
_VERSION = "COALESCE((SELECT config_version FROM discord_server_configs WHERE server_id = ? AND brand_id = ?), 0)"


def _bump(db: Any, brand_id: str, server_id: str) -> None:
    gens = _GENERATIONS.setdefault(db, {})
    gens[(brand_id, server_id)] = gens.get((brand_id, server_id), 0) + 1


def note_conflict(db: Any, exc: BaseException) -> bool:
    """A transaction failed: if because a server's config changed in another process (see the module
    docstring), bump that server's generation so the caches reload it; True then."""
    detail = getattr(exc, "detail", None)
    if not isinstance(detail, str) or not detail.startswith(CONFIG_CHANGED):
        return False
    brand_id, _, server_id = detail[len(CONFIG_CHANGED) :].partition(" ")
    _bump(db, brand_id, server_id)
    return True


@dataclass(frozen=True, slots=True)
class RewardsConfigRows:
    """Everything the engine's config cache reads in one go; rule rows go to the rule parser as they are."""

    rules: list[Row]
    roles: list[Row]
    metadata: dict[str, Any]
    disabled: frozenset[str]
    budget: int | None
    version: int = 0  # the server's config_version these rows are at


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
        """How many times this process changed this server's reward config, or saw it changed elsewhere."""
        return _GENERATIONS.get(self._db, {}).get((self.scope.brand_id, self.scope.server_id), 0)

    def config_changed(self) -> None:
        """The config changed (here, or found changed elsewhere): caches of this process reload it."""
        _bump(self._db, self.scope.brand_id, self.scope.server_id)

    async def _changed(self) -> None:
        """A config write: its version moves in the same transaction (with the next statement sent)."""
        await self._db.queue(
            f"UPDATE {SERVERS} SET config_version = config_version + 1 WHERE server_id = ? AND brand_id = ?",
            [self.scope.server_id, self.scope.brand_id],
        )
        self.config_changed()

    async def check_version(self, version: int, budget: int | None) -> bool | None:
        """Is the server's config still at `version` and the brand's budget `budget`? Call holding the rewards
        lock (config writers take it; the budget is the brand's, written by the operator CLI).

        Inside a PostgreSQL transaction the check is queued with the statements that follow (no round trip
        of its own) and True is returned: a mismatch fails the transaction there as a conflict naming the
        server (see `note_conflict`). Outside one: None, not checked (a round trip of its own; reads rely on
        `brand_version`). SQLite, a local file: read now.
        """
        if self._db.dialect != "postgresql":
            return await self.config_version() == version
        if not getattr(self._db, "in_transaction", lambda: False)():
            return None
        block = config_block(self.scope.brand_id, self.scope.server_id, version, budget)
        if block is None:
            return await self.config_version() == version
        await self._db.queue(block, once=True)
        return True

    async def config_version(self) -> int:
        row = await self._db.fetch_one(f"SELECT {_VERSION} AS v", [self.scope.server_id, self.scope.brand_id])
        return int(row["v"]) if row is not None else 0

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
        On SQLite nothing is sent: the transaction's BEGIN IMMEDIATE already holds the file's only write lock,
        and the two statements were a fifth of a claim's turns of the event loop while it held that lock.
        """
        if self._db.dialect != "postgresql":
            return
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
        another process, and of the server's config version: the engine's config cache compares it every
        few seconds (reads outside a transaction; payouts check the version themselves)."""
        row = await self._db.fetch_one(
            f"SELECT b.ltz_budget, b.updated_at, {_VERSION} AS v FROM loyalteez_brands b WHERE b.brand_id = ?",
            [self.scope.server_id, self.scope.brand_id, self.scope.brand_id],
        )
        return (None, None, None) if row is None else (row["ltz_budget"], row["updated_at"], int(row["v"]))

    # -- the config the engine caches ---------------------------------------------------------------------

    async def config_rows(self) -> RewardsConfigRows:
        """Read with the version first: a change committing in between makes the rows newer than their
        version, which the next check reloads, never older (a stale config kept as current)."""
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
            version=int((config or {}).get("config_version") or 0),
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
        await self._changed()
        return added

    async def update_rule(self, event_type: str, values: Mapping[str, Any]) -> int:
        changed = await self._tables.update(RULES, {"event_type": event_type}, values)
        await self._changed()
        return changed

    async def delete_rule(self, event_type: str) -> int:
        removed = await self._tables.delete(RULES, {"event_type": event_type})
        await self._changed()
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
        await self._changed()

    async def remove_role_effects(self, role_id: str, effect_type: str | None) -> int:
        where: dict[str, Any] = {"discord_role_id": role_id}
        if effect_type is not None:
            where["effect_type"] = effect_type
        removed = await self._tables.delete(ROLES, where)
        await self._changed()
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
        await self._changed()

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
        await self._changed()

    async def enable_member(self, member_id: str) -> int:
        removed = await self._tables.delete(DISABLED, {"discord_user_id": member_id})
        await self._changed()
        return removed
