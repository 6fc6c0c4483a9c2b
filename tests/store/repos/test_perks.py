"""The perks repository: stock and balances never go below zero under concurrency, refunds happen once."""

from __future__ import annotations

from loyalteez.store import Store
from tests.conftest import linked
from tests.store.raw import tables
from tests.store.repos.race import race
from tests.store.sample_rows import uid


async def test_stock_and_balances_never_go_below_zero(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    perk_id = uid("race-perk")
    await tables(data).insert("loyalteez_perks", {"perk_id": perk_id, "name": "Sticker", "cost": 10, "quantity": 5})
    buyers = [str(820_000_000_000_000_000 + n) for n in range(30)]
    for buyer in buyers:
        await tables(data).insert("discord_user_stats", {"discord_user_id": buyer, "ltz_earned": 25})
    now = store.clock.now()

    async def buy(buyer: str) -> bool:
        return await data.perks.take_one(perk_id) is not None and await data.perks.spend(buyer, 10, now) is not None

    # Every buyer three times at once: 90 attempts for 5 in stock, each buyer able to afford two.
    assert await race(store, buyers * 3, buy) == 5
    assert (await tables(data).get("loyalteez_perks", {"perk_id": perk_id}))["quantity"] == 0
    spent = sum(r["ltz_spent"] for r in await tables(data).select("discord_user_stats"))
    assert spent == 50 and all(
        r["ltz_spent"] <= r["ltz_earned"] for r in await tables(data).select("discord_user_stats")
    )

    await tables(data).update("loyalteez_perks", {"perk_id": perk_id}, {"quantity": None})  # unlimited now
    buyer = buyers[0]
    before = await tables(data).get("discord_user_stats", {"discord_user_id": buyer})
    affordable = (before["ltz_earned"] - before["ltz_spent"]) // 10
    assert await race(store, [buyer] * 10, buy) == affordable, "ten at once buy exactly what the balance allows"
    row = await tables(data).get("discord_user_stats", {"discord_user_id": buyer})
    assert 0 <= row["ltz_earned"] - row["ltz_spent"] < 10


async def test_a_refund_returns_stock_and_ltz_once(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    row = await data.perks.add(
        perk_id=uid("perk-1"),
        name="Mug",
        cost=30,
        category="merch",
        quantity=2,
        role_id=None,
        description=None,
        created_by="9",
    )
    await tables(data).insert("discord_user_stats", {"discord_user_id": "811", "ltz_earned": 100})
    now = store.clock.now()
    assert await data.perks.take_one(row["perk_id"]) is not None
    spent = await data.perks.spend("811", 30, now)
    assert spent is not None and spent.available == 70
    await data.perks.record_purchase(
        purchase_id=uid("purchase-1"), perk_id=row["perk_id"], member_id="811", cost=30, role_id=None, now=now
    )
    assert await data.perks.sold() == {row["perk_id"]: 1}
    refunded = await data.perks.refund(uid("purchase-1"), now)
    assert refunded is not None and (refunded.member_id, refunded.cost) == ("811", 30)
    assert await data.perks.refund(uid("purchase-1"), now) is None, "once"
    assert [p.status for p in await data.perks.purchases()] == ["refunded"]
    assert await data.perks.purchases(status="completed") == []
    balance = await data.perks.balance("811")
    assert balance is not None and balance.available == 100
    assert [p.quantity for p in await data.perks.on_sale()] == [2]


async def test_a_retired_perk_leaves_the_shop_but_stays_on_record(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    row = await data.perks.add(
        perk_id=uid("perk-2"),
        name="Badge",
        cost=5,
        category="roles",
        quantity=None,
        role_id="900000000000000001",
        description="shiny",
        created_by="9",
    )
    await data.perks.change(row["perk_id"], cost=7, description=None)
    changed = await data.perks.get(row["perk_id"])
    assert changed is not None and (changed.cost, changed.description) == (7, None)
    snapshot = await data.perks.snapshot(row["perk_id"])
    assert snapshot is not None and snapshot["cost"] == 7 and snapshot["role_id"] == "900000000000000001"
    assert [p.name for p in await data.perks.on_sale("roles")] == ["Badge"]
    await data.perks.retire(row["perk_id"])
    assert await data.perks.on_sale() == []
    assert [p.name for p in await data.perks.all()] == ["Badge"]
    assert await data.perks.take_one(row["perk_id"]) is None, "a retired perk is not sold"
