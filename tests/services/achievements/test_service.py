"""Achievements on both engines: progress moves with the engine's batches, completes once, pays once."""

from __future__ import annotations

import pytest

from loyalteez.services.access.permissions import Caller
from loyalteez.services.achievements import Achievements
from loyalteez.services.drops import Drops
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import Member, ReactionEvent, Rewards, VoiceSession
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_server as server
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import (
    ADMIN,
    ALICE,
    BOB,
    GENERAL,
    SERVER,
    Messages,
    apply,
    connected,
    ledger,
    snapshot,
    stats,
)
from tests.store.raw import tables

OWNER = Caller(ADMIN, SERVER, is_owner=True)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
def rewards(store: Store) -> Rewards:
    return Rewards(store, store.clock)


@pytest.fixture
def achievements(store: Store, rewards: Rewards) -> Achievements:
    service = Achievements(store, store.clock, rewards)
    rewards.engine.after_batch.append(service.after_batch)
    return service


async def progress(data: ScopedData, member: str) -> dict[str, dict]:
    names = {str(r["achievement_id"]): r["name"] for r in await tables(data).select("discord_achievements")}
    rows = await tables(data).select("discord_user_achievements", {"discord_user_id": member})
    return {names[str(r["achievement_id"])]: r for r in rows}


async def chat(rewards: Rewards, data: ScopedData, msg: Messages, author: str, n: int) -> None:
    await apply(rewards.engine, data, *(msg(f"hello number {i}", author) for i in range(n)))


async def test_progress_moves_with_messages_and_completes_once(
    store: Store, data: ScopedData, rewards: Rewards, achievements: Achievements
) -> None:
    await achievements.create(
        data.scope, OWNER, name="Chatterbox", description="Say 5 things", kind="message_count", threshold=5, reward=100
    )
    msg = Messages(store)
    await chat(rewards, data, msg, ALICE, 3)
    assert (await progress(data, ALICE))["Chatterbox"]["progress"] == 3
    assert (await progress(data, ALICE))["Chatterbox"]["completed_at"] is None
    await chat(rewards, data, msg, ALICE, 4)
    row = (await progress(data, ALICE))["Chatterbox"]
    assert row["progress"] == 5 and row["completed_at"] == store.clock.now()
    await chat(rewards, data, msg, ALICE, 4)
    notices = await tables(data).select("loyalteez_notices", {"discord_user_id": ALICE})
    assert len(notices) == 1 and notices[0]["details"]["name"] == "Chatterbox", "told once"
    assert await progress(data, BOB) == {}


async def test_claim_pays_the_reward_once_through_the_engine(
    store: Store, data: ScopedData, rewards: Rewards, achievements: Achievements
) -> None:
    made, _ = await achievements.create(
        data.scope, OWNER, name="Chatterbox", description=None, kind="message_count", threshold=2, reward=100
    )
    early = await achievements.claim(data.scope, Member(ALICE), made.id)
    assert not early.paid and "0/2" in early.text
    await chat(rewards, data, Messages(store), ALICE, 2)
    first = await achievements.claim(data.scope, Member(ALICE), made.id)
    again = await achievements.claim(data.scope, Member(ALICE), made.id)
    assert first.paid and "100 LTZ" in first.text
    assert not again.paid and "already claimed" in again.text
    payouts = [r for r in await ledger(data, ALICE) if r["event_type"] == "achievement"]
    assert len(payouts) == 1 and payouts[0]["idempotency_key"] == f"achievement:{made.id}:{ALICE}"
    assert (await stats(data, ALICE))["ltz_earned"] == 100
    assert (await progress(data, ALICE))["Chatterbox"]["claimed_at"] is not None


async def test_a_refused_claim_leaves_it_claimable(
    store: Store, data: ScopedData, rewards: Rewards, achievements: Achievements
) -> None:
    made, _ = await achievements.create(
        data.scope, OWNER, name="Chatterbox", description=None, kind="message_count", threshold=1, reward=100
    )
    await chat(rewards, data, Messages(store), ALICE, 1)
    await server.enable_test_mode(data, ADMIN, None)
    refused = await achievements.claim(data.scope, Member(ALICE), made.id)
    assert not refused.paid and "test mode" in refused.text
    assert (await progress(data, ALICE))["Chatterbox"]["claimed_at"] is None
    await server.disable_test_mode(data, ADMIN)
    assert (await achievements.claim(data.scope, Member(ALICE), made.id)).paid


async def test_created_later_it_credits_existing_progress_once(
    store: Store, data: ScopedData, rewards: Rewards, achievements: Achievements
) -> None:
    msg = Messages(store)
    await chat(rewards, data, msg, ALICE, 6)
    await chat(rewards, data, msg, BOB, 2)
    _, done = await achievements.create(
        data.scope, OWNER, name="Regular", description=None, kind="message_count", threshold=5, reward=10
    )
    assert done == 1
    assert (await progress(data, ALICE))["Regular"]["progress"] == 5
    assert (await progress(data, ALICE))["Regular"]["completed_at"] is not None
    assert (await progress(data, BOB))["Regular"]["progress"] == 2
    await achievements.toggle(data.scope, OWNER, "regular")
    await achievements.toggle(data.scope, OWNER, "regular")  # on again: credits again, changes nothing
    assert len(await tables(data).select("loyalteez_notices", {"discord_user_id": ALICE})) == 1


async def test_ltz_and_drop_achievements_follow_payouts(
    store: Store, data: ScopedData, rewards: Rewards, achievements: Achievements
) -> None:
    await achievements.create(
        data.scope, OWNER, name="Saver", description=None, kind="ltz_earned", threshold=40, reward=5
    )
    await achievements.create(
        data.scope, OWNER, name="Lucky", description=None, kind="drops_claimed", threshold=1, reward=5
    )
    await events.create_event(data, ADMIN, "coffee_drop", EventOptions(reward=20, trigger="drop"))
    drops = Drops(store, store.clock, rewards)
    plan = await drops.plan(data.scope, OWNER, event="coffee_drop", channel_id=GENERAL)
    await drops.create(data.scope, plan, actor_id=ADMIN, message_id="555000000000000001")
    assert (await drops.claim(data.scope, plan.drop_id, Member(ALICE))).paid
    mine = await progress(data, ALICE)
    assert mine["Lucky"]["completed_at"] is not None
    assert mine["Saver"]["progress"] == 20 and mine["Saver"]["completed_at"] is None
    await apply(rewards.engine, data, Messages(store)("gm everyone", ALICE))  # gm_checkin pays 25
    assert (await progress(data, ALICE))["Saver"]["completed_at"] is not None


async def test_test_mode_payouts_never_complete_ltz_achievements(
    store: Store, data: ScopedData, rewards: Rewards, achievements: Achievements
) -> None:
    await achievements.create(
        data.scope, OWNER, name="Saver", description=None, kind="ltz_earned", threshold=10, reward=5
    )
    await server.enable_test_mode(data, ADMIN, None)
    await apply(rewards.engine, data, Messages(store)("gm everyone", ALICE, is_admin=True))
    assert (await ledger(data, ALICE))[0]["is_test"]
    assert "Saver" not in await progress(data, ALICE)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"kind": "vibes"}, "type"),
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1_000_001}, "threshold"),
        ({"reward": -1}, "reward"),
        ({"reward": 10_001}, "reward"),
        ({"name": ""}, "name"),
        ({"name": "x" * 51}, "name"),
    ],
)
async def test_bad_achievements_change_nothing(
    store: Store, data: ScopedData, achievements: Achievements, options: dict, field: str
) -> None:
    before = await snapshot(store)
    values = {"name": "Chatterbox", "description": None, "kind": "message_count", "threshold": 5, "reward": 10}
    with pytest.raises(ValidationError) as caught:
        await achievements.create(data.scope, OWNER, **{**values, **options})
    assert caught.value.field == field
    assert await snapshot(store) == before


async def test_names_are_unique_and_types_fixed(data: ScopedData, achievements: Achievements) -> None:
    await achievements.create(
        data.scope, OWNER, name="Chatterbox", description=None, kind="message_count", threshold=5, reward=10
    )
    with pytest.raises(ValidationError, match="already"):
        await achievements.create(
            data.scope, OWNER, name="chatterbox", description=None, kind="message_count", threshold=5, reward=10
        )
    with pytest.raises(ValidationError, match="can't change"):
        await achievements.edit(data.scope, OWNER, "Chatterbox", kind="voice_hours")
    with pytest.raises(ValidationError, match="Chatterbox"):
        await achievements.edit(data.scope, OWNER, "Chaterbox", threshold=3)


async def test_voice_hours_and_reactions_count_from_stats(
    store: Store, data: ScopedData, rewards: Rewards, achievements: Achievements
) -> None:
    await achievements.create(
        data.scope, OWNER, name="Talker", description=None, kind="voice_hours", threshold=3, reward=5
    )
    await achievements.create(
        data.scope, OWNER, name="Fan", description=None, kind="reactions_count", threshold=2, reward=5
    )
    await apply(rewards.engine, data, VoiceSession("v-1", Member(ALICE), GENERAL, 130))
    post = Messages(store)("look at this", BOB)
    await apply(rewards.engine, data, post)
    await apply(
        rewards.engine,
        data,
        *(ReactionEvent(post.message_id, GENERAL, ALICE, emoji, Member(BOB), 1) for emoji in ("🎉", "🔥")),
    )
    mine = await progress(data, ALICE)
    assert mine["Talker"]["progress"] == 2 and mine["Talker"]["completed_at"] is None
    assert mine["Fan"]["progress"] == 2 and mine["Fan"]["completed_at"] is not None
    await apply(rewards.engine, data, VoiceSession("v-2", Member(ALICE), GENERAL, 50))
    assert (await progress(data, ALICE))["Talker"]["completed_at"] is not None
