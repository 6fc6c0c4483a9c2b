"""The achievements repository: progress only rises, completes once, and is claimed once."""

from __future__ import annotations

from loyalteez.store import Store
from tests.conftest import linked
from tests.store.raw import tables
from tests.store.sample_rows import uid


async def test_progress_rises_completes_once_and_is_claimed_once(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    made = await data.achievements.add(
        achievement_id=uid("ach-1"), name="Chatty", description=None, kind="message_count", threshold=5, reward=10
    )
    now = store.clock.now()
    await data.achievements.save_progress([("811", made.id, 3), ("812", made.id, 5)])
    await data.achievements.save_progress([("811", made.id, 2)])  # never lowered
    assert {p.member_id: p.progress for p in await data.achievements.progress_of(["811", "812"])} == {
        "811": 3,
        "812": 5,
    }
    done = await data.achievements.complete(now, ["811", "812"])
    assert [(c.member_id, c.achievement_id) for c in done] == [("812", made.id)]
    assert await data.achievements.complete(now, ["811", "812"]) == [], "completed once"
    assert await data.achievements.completions() == {made.id: 1}
    assert await data.achievements.claim(made.id, "812", now)
    assert not await data.achievements.claim(made.id, "812", now), "claimed once"
    assert not await data.achievements.claim(made.id, "811", now), "not completed"


async def test_totals_are_read_where_each_type_lives(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    await tables(data).insert(
        "discord_user_stats",
        {"discord_user_id": "811", "messages_count": 7, "reactions_count": 2, "voice_minutes": 125, "ltz_earned": 40},
    )
    totals = await data.achievements.sources(["811", "812"], {"message_count", "voice_hours", "drops_claimed"})
    assert totals["811"]["message_count"] == 7 and totals["811"]["voice_hours"] == 2
    assert totals["812"] == {}
    assert await data.achievements.all_sources("ltz_earned") == {"811": 40}
    assert await data.achievements.all_sources("drops_claimed") == {}


async def test_changes_and_reads_of_achievements(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    made = await data.achievements.add(
        achievement_id=uid("ach-2"), name="Voice", description="talk", kind="voice_hours", threshold=3, reward=5
    )
    await data.achievements.change(made.id, threshold=4, active=False, clear_description=True)
    got = await data.achievements.get(made.id)
    assert got is not None and (got.threshold, got.active, got.description) == (4, False, None)
    snapshot = await data.achievements.snapshot(made.id)
    assert snapshot is not None and snapshot["achievement_type"] == "voice_hours" and snapshot["is_active"] is False
    assert await data.achievements.active() == []
    assert [a.name for a in await data.achievements.by_name()] == ["Voice"]
