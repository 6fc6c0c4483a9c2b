"""The drops repository: a drop's claim slots never pass max_claims under concurrency, a member claims once,
and the named reads find what the service asks for."""

from __future__ import annotations

from datetime import timedelta

from loyalteez.ids import new_id
from loyalteez.store import Store
from tests.conftest import linked
from tests.store.raw import tables
from tests.store.repos.race import race
from tests.store.sample_rows import uid


async def test_drop_slots_never_pass_max_claims(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    drop_id = uid("race-drop")
    await tables(data).insert(
        "discord_drops", {"drop_id": drop_id, "event_id": "coffee_drop", "drop_type": "button", "max_claims": 50}
    )
    now = store.clock.now()

    async def claim(member: str) -> bool:
        status, _ = await data.drops.reserve(drop_id, member, new_id(), now)
        return status == "ok"

    members = [str(810_000_000_000_000_000 + n) for n in range(200)]
    assert await race(store, members + members[:20], claim) == 50
    drop = await tables(data).get("discord_drops", {"drop_id": drop_id})
    assert drop["claims_count"] == 50 and drop["ended_at"] == now
    assert await tables(data).count("discord_drop_claims", {"drop_id": drop_id}) == 50


async def test_live_drops_are_found_by_id_or_message_and_end_once(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    now = store.clock.now()
    made = await data.drops.add(
        drop_id=uid("drop-1"),
        event_id="coffee_drop",
        drop_type="reaction",
        message_id="555000000000000001",
        channel_id="444000000000000001",
        emoji="🎉",
        expires_at=now + timedelta(hours=1),
        max_claims=None,
        created_by="9",
        created_at=now,
    )
    assert await data.drops.find_live(drop_id=made.drop_id) == made
    assert await data.drops.find_live(message_id="555000000000000001") == made
    snapshot = await data.drops.snapshot(made.drop_id)
    assert snapshot is not None and snapshot["brand_id"] == "brand_a" and snapshot["claims_count"] == 0
    assert [d.drop_id for d in await data.drops.live_reaction_drops()] == [made.drop_id]
    assert [d.drop_id for d in await data.drops.by_event("coffee_drop")] == [made.drop_id]
    ended = await data.drops.end(made.drop_id, now)
    assert ended is not None and ended.ended_at == now
    assert await data.drops.end(made.drop_id, now) is None, "already ended"
    assert await data.drops.find_live(drop_id=made.drop_id) is None
    assert await data.drops.live() == []


async def test_claims_are_counted_per_member_and_keep_their_amount(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    drop_id = uid("drop-2")
    await tables(data).insert("discord_drops", {"drop_id": drop_id, "event_id": "coffee_drop", "drop_type": "button"})
    now = store.clock.now()
    assert (await data.drops.reserve(drop_id, "811", new_id(), now))[0] == "ok"
    assert await data.drops.reserve(drop_id, "811", new_id(), now) == ("claimed", None)
    await data.drops.set_claim_amounts(drop_id, {"811": 20})
    assert await data.drops.has_claimed(drop_id, "811") and not await data.drops.has_claimed(drop_id, "812")
    assert [(c.member_id, c.reward_amount) for c in await data.drops.claims(drop_id)] == [("811", 20)]
    assert await data.drops.claim_counts() == {"811": 1}
    assert await data.drops.claim_counts(["811", "812"]) == {"811": 1}


async def test_a_channel_watch_is_saved_replaced_and_removed(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    first = await data.drops.save_watch(
        channel_id="444", event_id="coffee_drop", emoji="🎉", lifespan_minutes=60, created_by="9"
    )
    assert (first.event_id, first.lifespan_minutes) == ("coffee_drop", 60)
    again = await data.drops.save_watch(
        channel_id="444", event_id="tea_drop", emoji="🍵", lifespan_minutes=None, created_by="9"
    )
    assert (again.event_id, again.emoji, again.lifespan_minutes) == ("tea_drop", "🍵", None)
    assert [w.channel_id for w in await data.drops.watches()] == ["444"]
    snapshot = await data.drops.watch_snapshot("444")
    assert snapshot is not None and snapshot["event_id"] == "tea_drop" and snapshot["server_id"] == "1001"
    await data.drops.remove_watch("444")
    assert await data.drops.watch("444") is None
