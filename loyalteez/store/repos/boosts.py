"""Boost notices seen on a server, so a member's first boost is decided by their boost history there."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository

BOOSTS = "loyalteez_boosts"


class BoostsRepository(Repository):
    """Server boosts of one server (append-only: a notice is remembered once)."""

    async def record(self, event_id: str, member_id: str, boosts: int, tier: int, is_test: bool) -> bool:
        """Remember a boost message; False if it was seen before (a redelivery)."""
        return await self._tables.insert(
            BOOSTS,
            {"event_id": event_id, "discord_user_id": member_id, "boosts": boosts, "tier": tier, "is_test": is_test},
            ignore_conflict=True,
        )

    async def event_ids_of(self, member_id: str) -> list[str]:
        """The boost messages seen from a member (any order)."""
        return [str(r["event_id"]) for r in await self._tables.select(BOOSTS, {"discord_user_id": member_id})]
