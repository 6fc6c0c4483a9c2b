"""RewardsRepository: rules, role effects, metadata and disabled members, each write bumping the generation."""

from __future__ import annotations

from decimal import Decimal

from loyalteez.ids import new_id
from loyalteez.store import Store
from tests.conftest import linked
from tests.store.raw import tables

ROLE, OTHER_ROLE, MEMBER = "900000000000000001", "900000000000000002", "800000000000000001"


def _rule(event: str, amount: int = 10) -> dict[str, object]:
    return {"id": new_id(), "event_type": event, "reward_amount": amount, "rule_metadata": {"trigger": "none"}}


async def test_rule_writes_bump_the_generation_and_stay_on_their_server(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    other = store.scoped(await linked(store, "brand_a", "1002"))
    start = data.rewards.generation()
    assert await data.rewards.insert_rule(_rule("quiz")) is True
    assert await data.rewards.insert_rule(_rule("quiz")) is False, "one rule per event and server"
    assert await data.rewards.update_rule("quiz", {"reward_amount": 25}) == 1
    assert [r["reward_amount"] for r in await data.rewards.rule_rows("quiz")] == [25]
    assert [r["event_type"] for r in await data.rewards.rule_rows()] == ["quiz"]
    assert await other.rewards.rule_rows() == [] and other.rewards.generation() == 0
    assert await data.rewards.delete_rule("quiz") == 1
    assert await data.rewards.rule_rows() == []
    assert data.rewards.generation() == start + 4


async def test_role_effects_typed_and_replaced_in_place(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    for role, effect, value in ((ROLE, "multiplier", 1.5), (ROLE, "flat_bonus", 5), (OTHER_ROLE, "multiplier", 2)):
        row = {"id": new_id(), "discord_role_id": role, "effect_type": effect, "effect_value": value, "priority": 1}
        await data.rewards.set_role_effect(row)
    await data.rewards.set_role_effect(
        {"id": new_id(), "discord_role_id": ROLE, "effect_type": "multiplier", "effect_value": 3, "priority": 7}
    )
    effect = await data.rewards.role_effect(ROLE, "multiplier")
    assert effect is not None and Decimal(str(effect.effect_value)) == 3 and effect.priority == 7
    assert await data.rewards.role_effect(OTHER_ROLE, "flat_bonus") is None
    assert len(await data.rewards.role_effects()) == 3
    assert {e.effect_type for e in await data.rewards.role_effects(ROLE)} == {"multiplier", "flat_bonus"}
    assert [e.role_id for e in await data.rewards.role_effects(effect_type="multiplier")] != []
    assert await data.rewards.remove_role_effects(ROLE, "flat_bonus") == 1
    assert await data.rewards.remove_role_effects(ROLE, None) == 1
    assert [e.role_id for e in await data.rewards.role_effects()] == [OTHER_ROLE]


async def test_metadata_changes_keep_other_keys(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    await tables(data).update("discord_server_configs", {}, {"config_metadata": {"welcome": "hi"}})
    before = data.rewards.generation()
    async with data.rewards.transaction():
        await data.rewards.set_metadata({"excluded_channels": ["1"]})
    assert await data.rewards.metadata() == {"welcome": "hi", "excluded_channels": ["1"]}
    assert data.rewards.generation() == before + 1


async def test_disabled_members_and_the_config_rows_the_engine_caches(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    await data.rewards.disable_member(MEMBER, "spam", "800000000000000099")
    await data.rewards.disable_member(MEMBER, "still spam", "800000000000000099")
    disabled = await data.rewards.disabled_member(MEMBER)
    assert disabled is not None and disabled.reason == "still spam" and disabled.since is not None
    assert [m.member_id for m in await data.rewards.disabled_members()] == [MEMBER]
    await data.rewards.insert_rule(_rule("quiz"))
    rows = await data.rewards.config_rows()
    assert rows.disabled == frozenset({MEMBER}) and [r["event_type"] for r in rows.rules] == ["quiz"]
    assert rows.budget is None and rows.roles == []
    assert await data.rewards.enable_member(MEMBER) == 1
    assert await data.rewards.disabled_member(MEMBER) is None


async def test_lock_runs_inside_a_transaction_on_both_engines(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    async with data.transaction():
        await data.rewards.lock(brand=True)
        await data.rewards.lock(brand=False)
