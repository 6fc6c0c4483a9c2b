"""Perks on both engines: purchases are atomic, never oversell under concurrent buyers, refunds give back once."""

from __future__ import annotations

import asyncio

import pytest

from loyalteez.services import standings
from loyalteez.services.access.permissions import Caller
from loyalteez.services.config_io import ConfigDocument, ConfigFieldError, import_config
from loyalteez.services.errors import ValidationError
from loyalteez.services.perks import Perks
from loyalteez.services.perks.roles import RoleFacts
from loyalteez.services.perks.texts import role_is_admin_level, role_sold_by_perk
from loyalteez.store import ScopedData, Store
from tests.conftest import REPORT
from tests.services.config_io.test_exchange import as_document
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, SERVER, connected, snapshot
from tests.store.raw import tables

OWNER = Caller(ADMIN, SERVER, is_owner=True)

BUYERS = [str(830_000_000_000_000_000 + n) for n in range(40)]


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
def perks(store: Store) -> Perks:
    return Perks(store, store.clock)


async def give(data: ScopedData, member: str, earned: int) -> None:
    await tables(data).insert("discord_user_stats", {"discord_user_id": member, "ltz_earned": earned})


async def attempt(perks: Perks, data: ScopedData, member: str, name: str) -> bool:
    try:
        await perks.buy(data.scope, member, name)
    except ValidationError:
        return False
    return True


async def test_concurrent_buyers_never_oversell(store: Store, data: ScopedData, perks: Perks) -> None:
    await perks.create(data.scope, OWNER, name="Golden mug", cost=100, category="merch", quantity=7)
    for buyer in BUYERS:
        await give(data, buyer, 250)
    bought = await asyncio.gather(*(attempt(perks, data, b, "golden mug") for b in BUYERS))
    assert sum(bought) == 7
    perk = (await perks.catalog(data.scope))[0]
    assert perk.quantity == 0
    purchases = await tables(data).select("loyalteez_perk_purchases")
    assert len(purchases) == 7 and {p["discord_user_id"] for p in purchases} == {
        b for b, ok in zip(BUYERS, bought, strict=True) if ok
    }
    spent = {r["discord_user_id"]: r["ltz_spent"] for r in await tables(data).select("discord_user_stats")}
    assert sum(spent.values()) == 700 and all(
        r["ltz_earned"] == 250 for r in await tables(data).select("discord_user_stats")
    )
    audit = await tables(data).select("discord_audit_log", {"action": "perks.purchased"})
    assert len(audit) == 7
    REPORT[f"perk race ({store.db.dialect}): 40 buyers, 7 in stock"] = "7 sold, stock 0, 700 LTZ spent"


async def test_one_member_buying_many_times_at_once_cannot_overspend(data: ScopedData, perks: Perks) -> None:
    await perks.create(data.scope, OWNER, name="Shout-out", cost=30)  # unlimited stock
    await give(data, ALICE, 100)
    bought = await asyncio.gather(*(attempt(perks, data, ALICE, "Shout-out") for _ in range(10)))
    assert sum(bought) == 3
    mine = await standings.balance(data, ALICE, data.clock.now())
    assert (mine.earned, mine.spent, mine.available) == (100, 90, 10)


async def test_too_little_ltz_changes_nothing_and_says_how_much(store: Store, data: ScopedData, perks: Perks) -> None:
    await perks.create(data.scope, OWNER, name="Golden mug", cost=100, quantity=3)
    await give(data, ALICE, 60)
    before = await snapshot(store)
    with pytest.raises(ValidationError) as caught:
        await perks.buy(data.scope, ALICE, "Golden mug")
    assert "60 LTZ" in caught.value.message and "100 LTZ" in caught.value.message
    assert await snapshot(store) == before
    with pytest.raises(ValidationError, match=r"no perk called `Golden mg`.*Golden mug"):
        await perks.buy(data.scope, ALICE, "Golden mg")


async def test_a_refund_gives_back_ltz_and_stock_once(data: ScopedData, perks: Perks) -> None:
    await perks.create(
        data.scope,
        OWNER,
        name="VIP role",
        cost=50,
        quantity=1,
        role=RoleFacts("900000000000000001", "<@&900000000000000001>"),
    )
    await give(data, BOB, 80)
    bought = await perks.buy(data.scope, BOB, "VIP role")
    assert bought.available == 30
    with pytest.raises(ValidationError, match="sold out"):
        await perks.buy(data.scope, BOB, "VIP role")
    assert await perks.refund(data.scope, bought.purchase_id, "role deleted")
    assert not await perks.refund(data.scope, bought.purchase_id, "again")
    assert (await standings.balance(data, BOB, data.clock.now())).available == 80
    assert (await perks.catalog(data.scope))[0].quantity == 1
    row = await tables(data).get("loyalteez_perk_purchases", {"purchase_id": bought.purchase_id})
    assert row["status"] == "refunded"


async def test_admins_edit_and_remove_perks(data: ScopedData, perks: Perks) -> None:
    await perks.create(data.scope, OWNER, name="Sticker", cost=10, category="Merch")
    edited = await perks.edit(data.scope, OWNER, "sticker", cost=15, quantity=4)
    assert (edited.cost, edited.quantity, edited.category) == (15, 4, "merch")
    assert [p.name for p in await perks.catalog(data.scope, "merch")] == ["Sticker"]
    assert await perks.catalog(data.scope, "roles") == []
    await perks.remove(data.scope, OWNER, "Sticker")
    assert await perks.catalog(data.scope) == []
    await perks.create(data.scope, OWNER, name="Sticker", cost=10)  # the name is free again


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"cost": 0}, "cost"),
        ({"cost": 1_000_001}, "cost"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"name": ""}, "name"),
        ({"category": "c" * 33}, "category"),
        ({"role": RoleFacts("@vip", "@vip")}, "role"),
    ],
)
async def test_bad_perks_change_nothing(
    store: Store, data: ScopedData, perks: Perks, options: dict, field: str
) -> None:
    before = await snapshot(store)
    with pytest.raises(ValidationError) as caught:
        await perks.create(data.scope, OWNER, **{"name": "Mug", "cost": 10, **options})
    assert caught.value.field == field
    assert await snapshot(store) == before


def parse_config(sections: dict) -> ConfigDocument:
    return as_document({"version": 1, **sections})


async def test_a_config_import_cannot_sell_an_admin_role_nor_map_a_sold_one(data: ScopedData, perks: Perks) -> None:
    """The import has no Discord facts, but the admin mapping is in the store: both directions are refused."""
    admin_role, sold_role = "900000000000000010", "900000000000000011"
    mapped = [{"role_id": admin_role, "level": "full_admin"}]
    await import_config(data, parse_config({"admin_roles": mapped}), apply=True)
    with pytest.raises(ConfigFieldError) as caught:
        boss = {
            "name": "Boss",
            "cost": 1,
            "category": None,
            "quantity": None,
            "role_id": admin_role,
            "description": None,
        }
        await import_config(data, parse_config({"perks": [boss]}), apply=True)
    assert caught.value.path == "perks[0].role_id"
    assert str(caught.value).endswith(role_is_admin_level(f"<@&{admin_role}>", "full_admin"))

    await perks.create(data.scope, OWNER, name="Blue pass", cost=5, role=RoleFacts(sold_role, f"<@&{sold_role}>"))
    mapping = [{"role_id": admin_role, "level": "full_admin"}, {"role_id": sold_role, "level": "viewer"}]
    with pytest.raises(ConfigFieldError) as caught:
        await import_config(data, parse_config({"admin_roles": mapping}), apply=True)
    assert caught.value.path == "admin_roles[1].role_id"
    assert str(caught.value).endswith(role_sold_by_perk(f"<@&{sold_role}>", "Blue pass"))
