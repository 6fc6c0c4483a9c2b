"""Perks (issue 6): what members spend LTZ on, optionally granting a Discord role.

A purchase is one transaction: the perk's stock is taken with a conditional UPDATE (quantity > 0, or
unlimited), the member's balance is debited with another (ltz_earned - ltz_spent >= cost), the purchase row
and an audit row are written; a sold-out perk or a short balance raises ValidationError, which rolls back
whatever was already taken and becomes the member's one-line reply. Both UPDATEs re-check their condition
against the committed row, so concurrent buyers can never oversell or overspend, on SQLite or PostgreSQL.
Rows are always locked perk first, then the member's stats, so purchases and refunds cannot deadlock.

ltz_earned is never touched: it stays what was earned; /balance shows earned, spent and available.

Roles are granted by the adapter after the purchase committed (Discord is not part of the transaction).
Decision: if granting fails (the role was deleted, moved above the bot, or the bot lost Manage Roles), the
purchase is refunded at once (`refund`: status 'refunded', LTZ and stock back, audit row) and the member is
told so; a refund never leaves a member paying for nothing, and the purchase row stays as the record.
Roles the bot could never grant (above its highest role, managed by an integration) are refused when the
perk is created or edited, by the adapter, which knows the role hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services import audit, engagement_input
from loyalteez.services import engagement_messages as say
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.rules import suggest
from loyalteez.store import ServerStore, Store

PERKS, PURCHASES, STATS = "loyalteez_perks", "loyalteez_perk_purchases", "discord_user_stats"
KEEP = object()  # "not given" for edit options that may be cleared with None


@dataclass(frozen=True)
class Perk:
    id: str
    name: str
    description: str | None
    category: str
    cost: int
    quantity: int | None
    role_id: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Perk:
        quantity = row.get("quantity")
        return cls(
            str(row["perk_id"]),
            row["name"],
            row.get("description"),
            row.get("category") or "general",
            int(row["cost"]),
            None if quantity is None else int(quantity),
            row.get("role_id"),
        )

    @property
    def line(self) -> str:
        return say.perk_line(self.name, self.cost, self.category, self.quantity, self.role_id, self.description)


@dataclass(frozen=True)
class Purchase:
    purchase_id: str
    perk: Perk
    available: int  # the member's LTZ left after paying

    @property
    def text(self) -> str:
        return say.PERK_BOUGHT.format(name=self.perk.name, cost=self.perk.cost, available=self.available)


def _category(value: str | None) -> str:
    return (engagement_input.text("category", value, engagement_input.CATEGORY_MAX) or "general").lower()


@dataclass
class Perks:
    store: Store
    clock: Clock

    # -- admin ---------------------------------------------------------------------------------------------

    async def create(
        self,
        data: ServerStore,
        actor_id: str,
        *,
        name: str,
        cost: int,
        category: str | None = None,
        quantity: int = -1,
        role_id: str | None = None,
        description: str | None = None,
    ) -> Perk:
        name = engagement_input.text("name", name, engagement_input.NAME_MAX, required=True) or ""
        row = {
            "perk_id": new_id(),
            "name": name,
            "cost": engagement_input.integer("cost", cost, engagement_input.PERK_COST_RANGE, " LTZ"),
            "category": _category(category),
            "quantity": engagement_input.quantity(quantity),
            "role_id": engagement_input.snowflake("role", role_id) if role_id else None,
            "description": engagement_input.text("description", description, engagement_input.DESCRIPTION_MAX),
            "is_active": True,
            "created_by": actor_id,
        }
        async with data.rewards_transaction():
            if await self._find(data, name) is not None:
                raise ValidationError("name", say.exists("perk", name))
            await data.insert(PERKS, row)
            await audit.record(
                data, actor_type="admin", actor_id=actor_id, action="perks.created", details={"name": name}, after=row
            )
        return Perk.from_row(row)

    async def edit(
        self,
        data: ServerStore,
        actor_id: str,
        name: str,
        *,
        cost: int | None = None,
        category: str | None = None,
        quantity: int | None = None,
        role_id: Any = KEEP,
        description: str | None = None,
    ) -> Perk:
        """Change some settings; `role_id=None` removes the role, KEEP (default) leaves it."""
        changes: dict[str, Any] = {}
        if cost is not None:
            changes["cost"] = engagement_input.integer("cost", cost, engagement_input.PERK_COST_RANGE, " LTZ")
        if category is not None:
            changes["category"] = _category(category)
        if quantity is not None:
            changes["quantity"] = engagement_input.quantity(quantity)
        if role_id is not KEEP:
            changes["role_id"] = engagement_input.snowflake("role", role_id) if role_id else None
        if description is not None:
            changes["description"] = engagement_input.text("description", description, engagement_input.DESCRIPTION_MAX)
        if not changes:
            raise ValidationError("options", say.NOTHING_TO_CHANGE)
        async with data.rewards_transaction():
            before = await self._existing(data, name)
            await data.update(PERKS, {"perk_id": before["perk_id"]}, changes)
            after = await data.get(PERKS, {"perk_id": before["perk_id"]})
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="perks.edited",
                details={"name": before["name"]},
                before=before,
                after=after,
            )
        return Perk.from_row(after or before)

    async def remove(self, data: ServerStore, actor_id: str, name: str) -> Perk:
        async with data.rewards_transaction():
            before = await self._existing(data, name)
            await data.update(PERKS, {"perk_id": before["perk_id"]}, {"is_active": False})
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="perks.removed",
                details={"name": before["name"]},
                before=before,
            )
        return Perk.from_row(before)

    # -- members -------------------------------------------------------------------------------------------

    async def catalog(self, data: ServerStore, category: str | None = None) -> list[Perk]:
        where: dict[str, Any] = {"is_active": True}
        if category and category.strip():
            where["category"] = category.strip().lower()
        return [Perk.from_row(r) for r in await data.select(PERKS, where, order_by=("category", "cost", "name"))]

    async def names(self, data: ServerStore) -> list[str]:
        return [p.name for p in await self.catalog(data)]

    async def find(self, data: ServerStore, name: str) -> Perk:
        return Perk.from_row(await self._existing(data, name))

    async def buy(self, data: ServerStore, member_id: str, name: str, *, has_role: bool = False) -> Purchase:
        """Take one of the perk and the member's LTZ, atomically; ValidationError says why not."""
        now = self.clock.now()
        async with self.store.transaction():
            perk = Perk.from_row(await self._existing(data, name))
            if has_role:
                raise ValidationError("perk", say.PERK_HAS_ROLE.format(name=perk.name))
            if await data.perks_take_one(perk.id) is None:
                raise ValidationError("perk", say.PERK_SOLD_OUT.format(name=perk.name))
            balance = await data.perks_spend(member_id, perk.cost, now)
            if balance is None:
                stats = await data.get(STATS, {"discord_user_id": member_id})
                available = int(stats["ltz_earned"]) - int(stats["ltz_spent"]) if stats else 0
                raise ValidationError(
                    "perk", say.PERK_TOO_POOR.format(available=available, name=perk.name, cost=perk.cost)
                )
            purchase_id = new_id()
            await data.insert(
                PURCHASES,
                {
                    "purchase_id": purchase_id,
                    "perk_id": perk.id,
                    "discord_user_id": member_id,
                    "cost": perk.cost,
                    "role_id": perk.role_id,
                    "created_at": now,
                },
            )
            await audit.record(
                data,
                actor_type="user",
                actor_id=member_id,
                action="perks.purchased",
                target_user_id=member_id,
                details={
                    "perk": perk.name,
                    "perk_id": perk.id,
                    "cost": perk.cost,
                    "purchase_id": purchase_id,
                    "role_id": perk.role_id,
                },
            )
        return Purchase(purchase_id, perk, int(balance["ltz_earned"]) - int(balance["ltz_spent"]))

    async def refund(self, data: ServerStore, purchase_id: str, reason: str) -> bool:
        """Give a purchase back (its role could not be granted): LTZ and stock return, once."""
        async with self.store.transaction():
            purchase = await data.perks_refund(purchase_id, self.clock.now())
            if purchase is None:
                return False
            await audit.record(
                data,
                actor_type="bot",
                actor_id=None,
                action="perks.refunded",
                target_user_id=purchase["discord_user_id"],
                details={"purchase_id": purchase_id, "cost": purchase["cost"], "reason": reason},
            )
        return True

    # -- lookup ----------------------------------------------------------------------------------------------

    async def _find(self, data: ServerStore, name: str) -> dict[str, Any] | None:
        wanted = (name or "").strip().lower()
        return next((r for r in await data.select(PERKS, {"is_active": True}) if r["name"].lower() == wanted), None)

    async def _existing(self, data: ServerStore, name: str) -> dict[str, Any]:
        row = await self._find(data, name)
        if row is None:
            raise ValidationError(
                "perk", say.unknown("perk", (name or "").strip(), suggest((name or "").strip(), await self.names(data)))
            )
        return row
