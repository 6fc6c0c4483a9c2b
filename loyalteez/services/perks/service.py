"""Perks: what members spend LTZ on, optionally granting a Discord role.

A purchase is one transaction: the perk's stock is taken with a conditional UPDATE (quantity > 0, or
unlimited), the member's balance is debited with another (ltz_earned - ltz_spent >= cost), the purchase row
and an audit row are written; a sold-out perk or a short balance raises ValidationError, which rolls back
whatever was already taken and becomes the member's one-line reply. Both UPDATEs re-check their condition
against the committed row, so concurrent buyers can never oversell or overspend, on SQLite or PostgreSQL.
Rows are always locked perk first, then the member's stats, so purchases and refunds cannot deadlock.

ltz_earned is never touched: it stays what was earned; /balance shows earned, spent and available.

Roles are granted after the purchase committed (Discord is not part of the transaction), through the
adapter's `RoleDesk`. Decision: if the role may no longer be sold (it gained a dangerous permission or an
admin level since the perk was made: perks/roles.py) or granting fails (the role was deleted, moved above
the bot, or the bot lost Manage Roles), the purchase is refunded at once (`refund`: status 'refunded', LTZ
and stock back, audit row) and the member is told why; a refund never leaves a member paying for nothing,
and the purchase row stays as the record. Roles that may not be sold at all (perks/roles.py: powerful, an
admin level, above the seller or the bot, managed) are refused when the perk is created or edited.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.common import input as common
from loyalteez.services.common import texts as shared
from loyalteez.services.errors import ValidationError
from loyalteez.services.perks import input as check
from loyalteez.services.perks import roles as role_rules
from loyalteez.services.perks import texts
from loyalteez.services.perks.roles import RoleFacts
from loyalteez.services.rewards.rules import suggest
from loyalteez.store import Scope, ScopedData, Store
from loyalteez.store.repos.perks import Perk, PerkPurchase

log = logging.getLogger("loyalteez.perks")
KEEP: Any = object()  # "not given" for edit options that may be cleared with None
AUTOCOMPLETE_MAX = 25


def perk_line(perk: Perk) -> str:
    """How a perk is shown in /perks and in /perk's replies."""
    return texts.perk_line(perk.name, perk.cost, perk.category, perk.quantity, perk.role_id, perk.description)


@dataclass(frozen=True)
class Purchase:
    purchase_id: str
    perk: Perk
    available: int  # the member's LTZ left after paying
    outcome: str | None = None  # what happened to the role, when the perk gives one
    refunded: bool = False

    @property
    def text(self) -> str:
        bought = texts.PERK_BOUGHT.format(name=self.perk.name, cost=self.perk.cost, available=self.available)
        if self.refunded:
            return self.outcome or ""
        return bought + (self.outcome or "")


class RoleDesk(Protocol):
    """The adapter's hands for a buyer's role: what Discord says about it now, and giving it."""

    async def facts(self, role_id: str) -> RoleFacts | None:
        """None when the role no longer exists."""

    async def give(self, role_id: str) -> str | None:
        """Give the buyer the role: None when given, else why not (the end of a sentence)."""


@dataclass
class Perks:
    store: Store
    clock: Clock

    # -- admin (the commands check the caller's level first) ----------------------------------------------

    async def create(
        self,
        scope: Scope,
        caller: Caller,
        *,
        name: str,
        cost: int,
        category: str | None = None,
        quantity: int = -1,
        role: RoleFacts | None = None,
        description: str | None = None,
    ) -> Perk:
        """/perk create (perk managers); `role`: the role buyers get, as the adapter found it on Discord."""
        data = await open_admin(self.store, scope, caller, Level.PERK_MANAGER)
        await self._may_sell(data, caller, role)
        return await self.create_in(
            data,
            caller.user_id,
            name=name,
            cost=cost,
            category=category,
            quantity=quantity,
            role_id=role.role_id if role is not None else None,
            description=description,
        )

    async def edit(
        self,
        scope: Scope,
        caller: Caller,
        name: str,
        *,
        cost: int | None = None,
        category: str | None = None,
        quantity: int | None = None,
        role: Any = KEEP,
        description: str | None = None,
    ) -> Perk:
        """/perk edit (perk managers); `role`: RoleFacts to give a role, None to stop giving one, KEEP."""
        data = await open_admin(self.store, scope, caller, Level.PERK_MANAGER)
        if isinstance(role, RoleFacts):
            await self._may_sell(data, caller, role)
        return await self.edit_in(
            data,
            caller.user_id,
            name,
            cost=cost,
            category=category,
            quantity=quantity,
            role_id=role.role_id if isinstance(role, RoleFacts) else role,
            description=description,
        )

    async def _may_sell(self, data: ScopedData, caller: Caller, role: RoleFacts | None) -> None:
        """ValidationError when `caller` may not put `role` on sale (perks/roles.py)."""
        if role is None:
            return
        refusal = role_rules.sale_refusal(role, await data.rewards.metadata(), caller)
        if refusal is not None:
            raise ValidationError("role", refusal)

    async def _not_admin_role(self, data: ScopedData, role_id: str | None) -> None:
        """A role with an admin level is never sold, even where no role facts come with it (a config import)."""
        level = role_rules.admin_level(await data.rewards.metadata(), role_id) if role_id else None
        if role_id and level is not None:
            raise ValidationError("role", texts.role_is_admin_level(f"<@&{role_id}>", level))

    async def remove(self, scope: Scope, caller: Caller, name: str) -> Perk:
        """/perk remove (perk managers)."""
        data = await open_admin(self.store, scope, caller, Level.PERK_MANAGER)
        return await self.remove_in(data, caller.user_id, name)

    # -- admin, inside an open scope (the commands above, and a config import) ----------------------------

    async def create_in(
        self,
        data: ScopedData,
        actor_id: str,
        *,
        name: str,
        cost: int | None,
        category: str | None = None,
        quantity: int = -1,
        role_id: str | None = None,
        description: str | None = None,
    ) -> Perk:
        name = common.text("name", name, common.NAME_MAX, required=True) or ""
        price = common.integer("cost", cost, check.PERK_COST_RANGE, " LTZ")
        kind = check.category(category)
        stock = check.quantity(quantity)
        role = common.snowflake("role", role_id) if role_id else None
        about = common.text("description", description, common.DESCRIPTION_MAX)
        await self._not_admin_role(data, role)
        async with data.rewards.transaction():
            if await self._find(data, name) is not None:
                raise ValidationError("name", shared.exists("perk", name))
            row = await data.perks.add(
                perk_id=new_id(),
                name=name,
                cost=price,
                category=kind,
                quantity=stock,
                role_id=role,
                description=about,
                created_by=actor_id,
            )
            await audit.record(
                data, actor_type="admin", actor_id=actor_id, action="perks.created", details={"name": name}, after=row
            )
        return Perk.from_row(row)

    async def edit_in(
        self,
        data: ScopedData,
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
        changes: dict[str, Any] = {}  # the options of PerksRepository.change, checked
        if cost is not None:
            changes["cost"] = common.integer("cost", cost, check.PERK_COST_RANGE, " LTZ")
        if category is not None:
            changes["category"] = check.category(category)
        if quantity is not None:
            changes["quantity"] = check.quantity(quantity)
        if role_id is not KEEP:
            changes["role_id"] = common.snowflake("role", role_id) if role_id else None
            await self._not_admin_role(data, changes["role_id"])
        if description is not None:
            changes["description"] = common.text("description", description, common.DESCRIPTION_MAX)
        if not changes:
            raise ValidationError("options", shared.NOTHING_TO_CHANGE)
        async with data.rewards.transaction():
            perk = await self._existing(data, name)
            before = await data.perks.snapshot(perk.id)
            await data.perks.change(perk.id, **changes)
            after = await data.perks.get(perk.id) or perk
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="perks.edited",
                details={"name": perk.name},
                before=before,
                after=await data.perks.snapshot(perk.id),
            )
        return after

    async def remove_in(self, data: ScopedData, actor_id: str, name: str) -> Perk:
        async with data.rewards.transaction():
            perk = await self._existing(data, name)
            before = await data.perks.snapshot(perk.id)
            await data.perks.retire(perk.id)
            await audit.record(
                data,
                actor_type="admin",
                actor_id=actor_id,
                action="perks.removed",
                details={"name": perk.name},
                before=before,
            )
        return perk

    async def on_sale_in(self, data: ScopedData, category: str | None = None) -> list[Perk]:
        wanted = category.strip().lower() if category and category.strip() else None
        return await data.perks.on_sale(wanted)

    # -- members -------------------------------------------------------------------------------------------

    async def catalog(self, scope: Scope, category: str | None = None) -> list[Perk]:
        """/perks: what is on sale, optionally of one category."""
        return await self.on_sale_in(self.store.scoped(scope), category)

    async def bought_by(self, scope: Scope, member_id: str) -> list[tuple[PerkPurchase, str]]:
        """A member's purchases, newest first, each with its perk's name (retired perks keep theirs)."""
        data = self.store.scoped(scope)
        names = {perk.id: perk.name for perk in await data.perks.all()}
        return [(bought, names.get(bought.perk_id, "?")) for bought in await data.perks.purchases_of(member_id)]

    async def names(self, scope: Scope, typed: str = "") -> list[str]:
        """Names of perks on sale containing `typed` (autocomplete)."""
        typed = (typed or "").lower()
        return [p.name for p in await self.catalog(scope) if typed in p.name.lower()][:AUTOCOMPLETE_MAX]

    async def buy(
        self, scope: Scope, member_id: str, name: str, *, role_ids: Sequence[str] = (), roles: RoleDesk | None = None
    ) -> Purchase:
        """/perk-buy: take one of the perk and the member's LTZ, atomically (ValidationError says why not), then
        give its role through `roles`, refunding when the role may no longer be sold or can't be given. A
        member who already holds the perk's role (`role_ids`: their roles) pays nothing."""
        purchase = await self._take(scope, member_id, name, role_ids)
        if purchase.perk.role_id is None or roles is None:
            return purchase
        return await self._give_role(scope, purchase, purchase.perk.role_id, roles)

    async def _give_role(self, scope: Scope, purchase: Purchase, role_id: str, roles: RoleDesk) -> Purchase:
        perk = purchase.perk
        role = await roles.facts(role_id)
        if role is not None:
            unsafe = role_rules.purchase_refusal(role, await self.store.scoped(scope).rewards.metadata())
            if unsafe is not None:
                log.warning("perk %s: role %s %s; purchase %s refunded", perk.id, role_id, unsafe, purchase.purchase_id)
                await self.refund(scope, purchase.purchase_id, unsafe)
                return replace(purchase, outcome=texts.perk_role_unsafe(perk.name, role.mention, unsafe), refunded=True)
            failure = await roles.give(role_id)
            if failure is None:
                return replace(purchase, outcome=texts.PERK_ROLE_GIVEN.format(role=role.mention))
        else:
            failure = texts.ROLE_GONE
        await self.refund(scope, purchase.purchase_id, failure)
        refunded = texts.PERK_REFUNDED.format(name=perk.name, role=f"<@&{role_id}>", reason=failure, cost=perk.cost)
        return replace(purchase, outcome=refunded, refunded=True)

    async def _take(self, scope: Scope, member_id: str, name: str, role_ids: Sequence[str]) -> Purchase:
        data = self.store.scoped(scope)
        now = self.clock.now()
        async with self.store.transaction():
            perk = await self._existing(data, name)
            if perk.role_id is not None and perk.role_id in role_ids:
                raise ValidationError("perk", texts.PERK_HAS_ROLE.format(name=perk.name))
            if await data.perks.take_one(perk.id) is None:
                raise ValidationError("perk", texts.PERK_SOLD_OUT.format(name=perk.name))
            balance = await data.perks.spend(member_id, perk.cost, now)
            if balance is None:
                held = await data.perks.balance(member_id)
                available = held.available if held is not None else 0
                raise ValidationError(
                    "perk", texts.PERK_TOO_POOR.format(available=available, name=perk.name, cost=perk.cost)
                )
            purchase_id = new_id()
            await data.perks.record_purchase(
                purchase_id=purchase_id,
                perk_id=perk.id,
                member_id=member_id,
                cost=perk.cost,
                role_id=perk.role_id,
                now=now,
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
        return Purchase(purchase_id, perk, balance.available)

    async def refund(self, scope: Scope, purchase_id: str, reason: str) -> bool:
        """Give a purchase back (its role could not be granted): LTZ and stock return, once."""
        data = self.store.scoped(scope)
        async with self.store.transaction():
            purchase = await data.perks.refund(purchase_id, self.clock.now())
            if purchase is None:
                return False
            await audit.record(
                data,
                actor_type="bot",
                actor_id=None,
                action="perks.refunded",
                target_user_id=purchase.member_id,
                details={"purchase_id": purchase_id, "cost": purchase.cost, "reason": reason},
            )
        return True

    # -- lookup ----------------------------------------------------------------------------------------------

    async def _find(self, data: ScopedData, name: str) -> Perk | None:
        wanted = (name or "").strip().lower()
        return next((p for p in await data.perks.on_sale() if p.name.lower() == wanted), None)

    async def _existing(self, data: ScopedData, name: str) -> Perk:
        found = await self._find(data, name)
        if found is None:
            names = [p.name for p in await data.perks.on_sale()]
            raise ValidationError(
                "perk", shared.unknown("perk", (name or "").strip(), suggest((name or "").strip(), names))
            )
        return found
