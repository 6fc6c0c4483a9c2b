"""Perks members buy with LTZ, and their purchases.

Nothing may oversell or overspend: a perk's stock and a member's balance are each taken by one guarded
UPDATE (quantity > 0, or unlimited; ltz_earned - ltz_spent >= cost) that re-checks its condition against the
committed row. Callers run them inside one transaction, so a refusal rolls back what was already taken.
Rows are always locked perk first, then the member's stats, so purchases and refunds cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store.repos.base import Repository

PERKS, PURCHASES, STATS = "loyalteez_perks", "loyalteez_perk_purchases", "discord_user_stats"
UNCHANGED: Any = object()  # a `change` option not given


@dataclass(frozen=True, slots=True)
class Perk:
    id: str
    name: str
    description: str | None
    category: str
    cost: int
    quantity: int | None
    role_id: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Perk:
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


@dataclass(frozen=True, slots=True)
class PerkPurchase:
    purchase_id: str
    perk_id: str
    member_id: str
    cost: int
    role_id: str | None
    status: str
    created_at: datetime | None
    refunded_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PerkPurchase:
        return cls(
            str(row["purchase_id"]),
            str(row["perk_id"]),
            row["discord_user_id"],
            int(row["cost"]),
            row.get("role_id"),
            row.get("status") or "completed",
            row.get("created_at"),
            row.get("refunded_at"),
        )


@dataclass(frozen=True, slots=True)
class Balance:
    earned: int
    spent: int

    @property
    def available(self) -> int:
        return self.earned - self.spent


class PerksRepository(Repository):
    """Perks and purchases of one server."""

    async def add(
        self,
        *,
        perk_id: str,
        name: str,
        cost: int,
        category: str,
        quantity: int | None,
        role_id: str | None,
        description: str | None,
        created_by: str,
    ) -> dict[str, Any]:
        """Put a perk on sale; returns its row as written (its audit snapshot)."""
        row = {
            "perk_id": perk_id,
            "name": name,
            "cost": cost,
            "category": category,
            "quantity": quantity,
            "role_id": role_id,
            "description": description,
            "is_active": True,
            "created_by": created_by,
        }
        await self._tables.insert(PERKS, row)
        return row

    async def change(
        self,
        perk_id: str,
        *,
        cost: int | None = UNCHANGED,
        category: str | None = UNCHANGED,
        quantity: int | None = UNCHANGED,
        role_id: str | None = UNCHANGED,
        description: str | None = UNCHANGED,
    ) -> None:
        """Change the settings given (None clears quantity, role and description); the rest stay."""
        given = {
            "cost": cost,
            "category": category,
            "quantity": quantity,
            "role_id": role_id,
            "description": description,
        }
        values = {column: value for column, value in given.items() if value is not UNCHANGED}
        if values:
            await self._tables.update(PERKS, {"perk_id": perk_id}, values)

    async def retire(self, perk_id: str) -> None:
        """Stop selling a perk; its row and purchases stay."""
        await self._tables.update(PERKS, {"perk_id": perk_id}, {"is_active": False})

    async def snapshot(self, perk_id: str) -> dict[str, Any] | None:
        """A perk's row as stored (audit before/after)."""
        return await self._tables.get(PERKS, {"perk_id": perk_id})

    async def get(self, perk_id: str) -> Perk | None:
        row = await self.snapshot(perk_id)
        return Perk.from_row(row) if row is not None else None

    async def on_sale(self, category: str | None = None) -> list[Perk]:
        """Perks on sale (optionally of one category), by category, cost and name."""
        where: dict[str, Any] = {"is_active": True}
        if category is not None:
            where["category"] = category
        return [
            Perk.from_row(r) for r in await self._tables.select(PERKS, where, order_by=("category", "cost", "name"))
        ]

    async def all(self) -> list[Perk]:
        """Every perk, retired ones too."""
        return [Perk.from_row(r) for r in await self._tables.select(PERKS)]

    async def take_one(self, perk_id: str) -> Perk | None:
        """One unit of a live perk's stock (unlimited stock stays NULL); None when sold out or removed."""
        scope_sql, params = self._tables.scope_filter(PERKS)
        row = await self._db.fetch_one(
            f"UPDATE {PERKS} SET quantity = quantity - 1 WHERE {scope_sql} AND perk_id = ? AND is_active = ? "
            "AND (quantity IS NULL OR quantity > 0) RETURNING *",
            [*params, perk_id, True],
        )
        return Perk.from_row(row) if row is not None else None

    async def spend(self, member_id: str, cost: int, now: datetime) -> Balance | None:
        """Debit a member's available LTZ (earned minus spent); None when they have less than `cost`."""
        scope_sql, params = self._tables.scope_filter(STATS)
        row = await self._db.fetch_one(
            f"UPDATE {STATS} SET ltz_spent = ltz_spent + ?, updated_at = ? WHERE {scope_sql} "
            "AND discord_user_id = ? AND ltz_earned - ltz_spent >= ? RETURNING ltz_earned, ltz_spent",
            [cost, now, *params, member_id, cost],
        )
        return Balance(int(row["ltz_earned"]), int(row["ltz_spent"])) if row is not None else None

    async def balance(self, member_id: str) -> Balance | None:
        row = await self._tables.get(STATS, {"discord_user_id": member_id})
        return Balance(int(row["ltz_earned"]), int(row["ltz_spent"])) if row is not None else None

    async def record_purchase(
        self, *, purchase_id: str, perk_id: str, member_id: str, cost: int, role_id: str | None, now: datetime
    ) -> None:
        await self._tables.insert(
            PURCHASES,
            {
                "purchase_id": purchase_id,
                "perk_id": perk_id,
                "discord_user_id": member_id,
                "cost": cost,
                "role_id": role_id,
                "created_at": now,
            },
            queued=True,
        )

    async def purchases(self, *, status: str | None = None) -> list[PerkPurchase]:
        """Purchases, oldest first (only those with `status` when given)."""
        where = {"status": status} if status is not None else None
        rows = await self._tables.select(PURCHASES, where, order_by=("created_at",))
        return [PerkPurchase.from_row(r) for r in rows]

    async def purchases_of(self, member_id: str) -> list[PerkPurchase]:
        """One member's purchases, newest first (their member page)."""
        rows = await self._tables.select(PURCHASES, {"discord_user_id": member_id}, order_by=("created_at DESC",))
        return [PerkPurchase.from_row(r) for r in rows]

    async def refund(self, purchase_id: str, now: datetime) -> PerkPurchase | None:
        """Undo a completed purchase once: the member's LTZ and the stock come back; returns the purchase."""
        scope_sql, params = self._tables.scope_filter(PURCHASES)
        row = await self._db.fetch_one(
            f"UPDATE {PURCHASES} SET status = 'refunded', refunded_at = ? WHERE {scope_sql} AND purchase_id = ? "
            "AND status = 'completed' RETURNING *",
            [now, *params, purchase_id],
        )
        if row is None:
            return None
        purchase = PerkPurchase.from_row(row)
        # Perk row before stats row, the order purchases lock them in: no deadlock between the two.
        perks_sql, perks_params = self._tables.scope_filter(PERKS)
        await self._db.execute(
            f"UPDATE {PERKS} SET quantity = quantity + 1 WHERE {perks_sql} AND perk_id = ? AND quantity IS NOT NULL",
            [*perks_params, purchase.perk_id],
        )
        stats_sql, stats_params = self._tables.scope_filter(STATS)
        await self._db.execute(
            f"UPDATE {STATS} SET ltz_spent = ltz_spent - ?, updated_at = ? WHERE {stats_sql} AND discord_user_id = ?",
            [purchase.cost, now, *stats_params, purchase.member_id],
        )
        return purchase

    async def sold(self) -> dict[str, int]:
        """Completed purchases per perk."""
        scope_sql, params = self._tables.scope_filter(PURCHASES)
        rows = await self._db.fetch_all(
            f"SELECT perk_id, COUNT(*) AS n FROM {PURCHASES} WHERE {scope_sql} AND status = 'completed' "
            "GROUP BY perk_id",
            params,
        )
        return {str(r["perk_id"]): int(r["n"]) for r in rows}
