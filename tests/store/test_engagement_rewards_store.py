"""The store's conditional statements alone keep drops, stock and balances exact under concurrency.

No rewards lock here: each attempt is its own transaction racing the others, so on PostgreSQL (READ
COMMITTED, a pool of connections) only the guarded UPDATEs stand between 200 writers and an oversell.
"""

from __future__ import annotations

import asyncio

from loyalteez.ids import new_id
from loyalteez.store import Store
from tests.conftest import linked
from tests.store.sample_rows import uid


class _Refused(Exception):
    pass


async def _race(store: Store, attempts: list, attempt) -> int:
    async def one(item) -> bool:
        try:
            async with store.transaction():
                if not await attempt(item):
                    raise _Refused  # roll back whatever this attempt wrote
        except _Refused:
            return False
        return True

    return sum(await asyncio.gather(*(one(item) for item in attempts)))


async def test_drop_slots_never_pass_max_claims(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    drop_id = uid("race-drop")
    await data.insert(
        "discord_drops", {"drop_id": drop_id, "event_id": "coffee_drop", "drop_type": "button", "max_claims": 50}
    )
    now = store.clock.now()

    async def claim(member: str) -> bool:
        status, _ = await data.drops_reserve(drop_id, member, new_id(), now)
        return status == "ok"

    members = [str(810_000_000_000_000_000 + n) for n in range(200)]
    assert await _race(store, members + members[:20], claim) == 50
    drop = await data.get("discord_drops", {"drop_id": drop_id})
    assert drop["claims_count"] == 50 and drop["ended_at"] == now
    assert await data.count("discord_drop_claims", {"drop_id": drop_id}) == 50


async def test_stock_and_balances_never_go_below_zero(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    perk_id = uid("race-perk")
    await data.insert("loyalteez_perks", {"perk_id": perk_id, "name": "Sticker", "cost": 10, "quantity": 5})
    buyers = [str(820_000_000_000_000_000 + n) for n in range(30)]
    for buyer in buyers:
        await data.insert("discord_user_stats", {"discord_user_id": buyer, "ltz_earned": 25})
    now = store.clock.now()

    async def buy(buyer: str) -> bool:
        return await data.perks_take_one(perk_id) is not None and await data.perks_spend(buyer, 10, now) is not None

    # Every buyer three times at once: 90 attempts for 5 in stock, each buyer able to afford two.
    assert await _race(store, buyers * 3, buy) == 5
    assert (await data.get("loyalteez_perks", {"perk_id": perk_id}))["quantity"] == 0
    spent = sum(r["ltz_spent"] for r in await data.select("discord_user_stats"))
    assert spent == 50 and all(r["ltz_spent"] <= r["ltz_earned"] for r in await data.select("discord_user_stats"))

    await data.update("loyalteez_perks", {"perk_id": perk_id}, {"quantity": None})  # unlimited now
    buyer = buyers[0]
    before = await data.get("discord_user_stats", {"discord_user_id": buyer})
    affordable = (before["ltz_earned"] - before["ltz_spent"]) // 10
    assert await _race(store, [buyer] * 10, buy) == affordable, "ten at once buy exactly what the balance allows"
    row = await data.get("discord_user_stats", {"discord_user_id": buyer})
    assert 0 <= row["ltz_earned"] - row["ltz_spent"] < 10
