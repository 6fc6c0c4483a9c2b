"""A crowd's clicks on one drop, written together: each click told what it would be told alone, nothing
written for a refused one, the count and amounts right, and another server's drop out of reach."""

from __future__ import annotations

from datetime import timedelta

from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.store import ScopedData, Store
from tests.conftest import linked
from tests.store.raw import tables
from tests.store.sample_rows import uid

ANN, BOB, CAT, DAN = (str(830_000_000_000_000_000 + n) for n in range(4))


async def open_drop(data: ScopedData, name: str, *, max_claims: int | None = None, minutes: int = 10) -> str:
    drop_id = uid(name)
    now = data.clock.now()
    await data.drops.add(
        drop_id=drop_id, event_id="coffee_drop", drop_type="button", message_id="555000000000000001",
        channel_id="444000000000000001", emoji="🎁", expires_at=now + timedelta(minutes=minutes),
        max_claims=max_claims, created_by="9", created_at=now,
    )  # fmt: skip
    return drop_id


async def test_a_crowd_takes_one_slot_each_and_a_repeat_click_is_told_claimed(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    drop_id = await open_drop(data, "crowd-1")
    now = store.clock.now()
    async with store.transaction():
        assert (await data.drops.reserve_crowd(drop_id, [(new_id(), ANN, now)]))[0] == ["ok"]
        clicks = [(new_id(), m, now) for m in (BOB, ANN, CAT, BOB)]
        statuses, after = await data.drops.reserve_crowd(drop_id, clicks)
    assert statuses == ["ok", "claimed", "ok", "claimed"]
    assert after is not None and after.claims_count == 3
    rows = await tables(data).select("discord_drop_claims", {"drop_id": drop_id})
    assert sorted(r["discord_user_id"] for r in rows) == sorted([ANN, BOB, CAT])
    assert {str(r["claim_id"]) for r in rows} >= {clicks[0][0], clicks[2][0]}, "the first click of each member"


async def test_clicks_after_the_drop_expired_or_on_a_capped_drop_write_nothing(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    drop_id = await open_drop(data, "crowd-2", minutes=1)
    capped = await open_drop(data, "crowd-3", max_claims=10)
    now = store.clock.now()
    async with store.transaction():
        statuses, _ = await data.drops.reserve_crowd(
            drop_id, [(new_id(), ANN, now), (new_id(), BOB, now + timedelta(minutes=2))]
        )
        assert statuses == ["ok", "unavailable"], "each click checked at the moment it was made"
        late, after = await data.drops.reserve_crowd(drop_id, [(new_id(), ANN, now + timedelta(minutes=3))])
        assert late == ["claimed"] and after is None, "a member's own claim is found even once it expired"
        refused, after = await data.drops.reserve_crowd(capped, [(new_id(), CAT, now)])
        assert refused == ["unavailable"] and after is None
    assert await tables(data).count("discord_drop_claims", {"drop_id": drop_id}) == 1
    assert (await tables(data).get("discord_drops", {"drop_id": drop_id}))["claims_count"] == 1
    assert await tables(data).count("discord_drop_claims", {"drop_id": capped}) == 0


async def test_given_back_claims_free_their_slots_and_paid_ones_keep_their_amounts(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    drop_id = await open_drop(data, "crowd-4")
    now = store.clock.now()
    async with store.transaction():
        await data.drops.reserve_crowd(drop_id, [(new_id(), m, now) for m in (ANN, BOB, CAT, DAN)])
        await data.drops.give_back_crowd(drop_id, [BOB, DAN])
        await data.drops.set_claim_amounts(drop_id, {ANN: 7, CAT: 12})
        await audit.record_members(
            data,
            [
                audit.MemberAction(m, "drops.claimed", {"drop_id": drop_id, "amount": a})
                for m, a in ((ANN, 7), (CAT, 12))
            ],
        )
    claims = {c.member_id: c.reward_amount for c in await data.drops.claims(drop_id)}
    assert claims == {ANN: 7, CAT: 12}
    assert (await tables(data).get("discord_drops", {"drop_id": drop_id}))["claims_count"] == 2
    entries = await data.audit.newest_snapshot(actions_in=["drops.claimed"], limit=10)
    assert sorted((e["actor_id"], e["target_user_id"], e["details"]["amount"]) for e in entries) == [
        (ANN, ANN, 7),
        (CAT, CAT, 12),
    ]
    assert {e["actor_type"] for e in entries} == {"user"}


async def test_a_crowd_cannot_reach_another_servers_drop(store: Store) -> None:
    mine = store.scoped(await linked(store, "brand_a", "1001"))
    theirs = store.scoped(await linked(store, "brand_b", "2002"))
    drop_id = await open_drop(theirs, "crowd-5")
    now = store.clock.now()
    async with store.transaction():
        await theirs.drops.reserve_crowd(drop_id, [(new_id(), BOB, now)])
        await theirs.drops.set_claim_amounts(drop_id, {BOB: 5})
    async with store.transaction():
        statuses, after = await mine.drops.reserve_crowd(drop_id, [(new_id(), ANN, now), (new_id(), BOB, now)])
        await mine.drops.give_back_crowd(drop_id, [BOB])
        await mine.drops.set_claim_amounts(drop_id, {BOB: 99})
    assert statuses == ["unavailable", "unavailable"] and after is None
    assert {c.member_id: c.reward_amount for c in await theirs.drops.claims(drop_id)} == {BOB: 5}
    assert (await tables(theirs).get("discord_drops", {"drop_id": drop_id}))["claims_count"] == 1
