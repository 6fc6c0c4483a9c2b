"""Drops on both engines: the cap holds under 200 concurrent claims, a member claims once, refusals roll back."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loyalteez.services.access.permissions import Caller
from loyalteez.services.drops import DropPlan, Drops, TargetMessage
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import Member, Rewards
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_members as members
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.store import ScopedData, Store
from tests.conftest import REPORT
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, GENERAL, SERVER, connected, ledger, snapshot, stats
from tests.store.raw import tables

CROWD = [str(810_000_000_000_000_000 + n) for n in range(200)]


@pytest.fixture
async def data(store: Store) -> ScopedData:
    data = await connected(store)
    await events.create_event(data, ADMIN, "coffee_drop", EventOptions(reward=20, trigger="drop", max_total_claims=50))
    return data


@pytest.fixture
def drops(store: Store) -> Drops:
    return Drops(store, store.clock, Rewards(store, store.clock))


OWNER = Caller(ADMIN, SERVER, is_owner=True)


async def plan(drops: Drops, data: ScopedData, message_id: str | None = None, **options) -> DropPlan:
    """/drop create's checks, as the admin who owns the server (a message id as the adapter finds it)."""
    target = TargetMessage(None, message_id) if message_id else None
    return await drops.plan(data.scope, OWNER, target=target, **options)


async def new_drop(drops: Drops, data: ScopedData, posted: str = "555000000000000001", **options) -> str:
    made = await plan(drops, data, event=options.pop("event", "coffee_drop"), channel_id=GENERAL, **options)
    await drops.create(data.scope, made, actor_id=ADMIN, message_id=posted)
    return made.drop_id


async def test_200_members_at_once_against_a_cap_of_50_pay_exactly_50(
    store: Store, data: ScopedData, drops: Drops
) -> None:
    drop_id = await new_drop(drops, data)
    loop = asyncio.get_running_loop()
    began = loop.time()
    results = await asyncio.gather(*(drops.claim(data.scope, drop_id, Member(m)) for m in CROWD))
    took = loop.time() - began
    paid = [r for r in results if r.paid]
    assert len(paid) == 50
    assert [r.status for r in results].count("full") == 150
    assert all("full" in r.text for r in results if not r.paid)
    assert sum(r.ended_now for r in results) == 1, "exactly one claim fills (and ends) the drop"
    drop = await tables(data).get("discord_drops", {"drop_id": drop_id})
    assert drop["claims_count"] == 50 and drop["ended_at"] is not None
    claims = await tables(data).select("discord_drop_claims", {"drop_id": drop_id})
    assert len(claims) == 50 and all(c["reward_amount"] == 20 for c in claims)
    rows = [r for r in await ledger(data) if r["idempotency_key"].startswith(f"drop:{drop_id}:")]
    assert len(rows) == 50 and {r["discord_user_id"] for r in rows} == {c["discord_user_id"] for c in claims}
    REPORT[f"drop race ({store.db.dialect}): 200 concurrent claims, cap 50"] = f"50 paid, 150 told full, {took:.2f}s"


async def test_a_member_claims_a_drop_once(data: ScopedData, drops: Drops) -> None:
    drop_id = await new_drop(drops, data)
    first = await drops.claim(data.scope, drop_id, Member(ALICE))
    again = await drops.claim(data.scope, drop_id, Member(ALICE))
    assert first.paid and "20 LTZ" in first.text
    assert again.status == "claimed" and "already" in again.text
    assert (await stats(data, ALICE))["ltz_earned"] == 20
    assert (await tables(data).get("discord_drops", {"drop_id": drop_id}))["claims_count"] == 1


async def test_a_refusal_by_the_rules_takes_no_slot_and_no_claim(store: Store, data: ScopedData, drops: Drops) -> None:
    drop_id = await new_drop(drops, data)
    await members.disable_member(data, ADMIN, ALICE, "spam")
    before = await snapshot(store)
    result = await drops.claim(data.scope, drop_id, Member(ALICE))
    assert result.status == "refused" and "turned off for you" in result.text
    assert await snapshot(store) == before, "the claim row and the slot were rolled back"
    assert (await drops.claim(data.scope, drop_id, Member(BOB))).paid


async def test_each_drop_has_its_own_cap(data: ScopedData, drops: Drops) -> None:
    await events.edit_event(data, ADMIN, "coffee_drop", EventOptions(max_total_claims=2))
    first, second = await new_drop(drops, data, "555000000000000001"), await new_drop(drops, data, "555000000000000002")
    for drop_id in (first, second):
        results = [await drops.claim(data.scope, drop_id, Member(m)) for m in CROWD[:3]]
        assert [r.status for r in results] == ["paid", "paid", "full"]


async def test_an_expired_drop_says_so_and_ends_at_its_expiry(store: Store, data: ScopedData, drops: Drops) -> None:
    drop_id = await new_drop(drops, data, lifespan="5m")
    expires = store.clock.now() + timedelta(minutes=5)
    store.clock.advance(minutes=6)
    result = await drops.claim(data.scope, drop_id, Member(ALICE))
    assert result.status == "expired" and result.ended_now
    drop = await tables(data).get("discord_drops", {"drop_id": drop_id})
    assert drop["ended_at"] == expires and drop["claims_count"] == 0
    assert (await drops.claim(data.scope, drop_id, Member(BOB))).status == "expired"
    assert not (await drops.claim(data.scope, drop_id, Member(BOB))).ended_now


async def test_the_sweep_ends_expired_drops_once(store: Store, data: ScopedData, drops: Drops) -> None:
    short = await new_drop(drops, data, "555000000000000001", lifespan="5m")
    await new_drop(drops, data, "555000000000000002", lifespan="permanent")
    store.clock.advance(hours=200)
    assert [d.drop_id for d in await drops.sweep(data.scope)] == [short]
    assert await drops.sweep(data.scope) == []


async def test_an_admin_ends_a_drop(data: ScopedData, drops: Drops) -> None:
    drop_id = await new_drop(drops, data)
    await drops.end(data.scope, OWNER, drop_id)
    assert (await drops.claim(data.scope, drop_id, Member(ALICE))).status == "ended"
    with pytest.raises(ValidationError, match="no live drop"):
        await drops.end(data.scope, OWNER, drop_id)


async def test_reaction_drops_are_found_by_message(store: Store, data: ScopedData, drops: Drops) -> None:
    drop_id = await new_drop(drops, data, "555000000000000009", drop_type="reaction", message_id="555000000000000009")
    fresh = Drops(store, store.clock, drops.rewards)  # a restarted bot
    await fresh.load(data.scope)
    assert fresh.reaction_drop_for(data.scope, "555000000000000009").drop_id == drop_id
    with pytest.raises(ValidationError, match="already has a live drop"):
        await plan(
            drops, data, event="coffee_drop", drop_type="reaction", channel_id=GENERAL, message_id="555000000000000009"
        )


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"event": "no_such_event"}, "event", "no event"),
        ({"event": "gm_checkin"}, "event", "trigger drop"),
        ({"lifespan": "soon"}, "lifespan", "5m, 2h"),
        ({"lifespan": "169h"}, "lifespan", "168 hours"),
        ({"lifespan": "8d"}, "lifespan", "168 hours"),
        ({"emoji": "party"}, "emoji", "single emoji"),
        ({"drop_type": "confetti"}, "type", "button, reaction"),
        ({"drop_type": "reaction"}, "message-id", "needs the message"),
        ({"message_id": "555000000000000001"}, "message-id", "reaction drops"),
        ({"label": "x" * 81}, "label", "80"),
    ],
)
async def test_bad_options_are_refused_before_anything_is_written(
    store: Store, data: ScopedData, drops: Drops, options: dict, field: str, words: str
) -> None:
    before = await snapshot(store)
    with pytest.raises(ValidationError) as caught:
        await plan(drops, data, **{"event": "coffee_drop", "channel_id": GENERAL, **options})
    assert caught.value.field == field and words in caught.value.message
    assert await snapshot(store) == before


async def test_ids_that_name_no_drop_are_answered_not_crashed(data: ScopedData, drops: Drops) -> None:
    for ref in ("not-a-uuid", "x" * 36, "00000000-0000-4000-8000-000000000000"):
        assert (await drops.claim(data.scope, ref, Member(ALICE))).status == "gone"
        with pytest.raises(ValidationError, match="no live drop"):
            await drops.end(data.scope, OWNER, ref)


@pytest.fixture(params=["locks", "guarded"])
async def open_drop(request: pytest.FixtureRequest, store: Store, data: ScopedData, drops: Drops) -> str:
    """A drop with no claim limit (on PostgreSQL its claims go in one message with their payout), paid the
    locking way or, as on a distant database, decided first and written behind a guard."""
    if request.param == "guarded":
        if store.db.dialect != "postgresql":
            pytest.skip("SQLite always writes holding its one lock")
        store.db.optimistic_writes = True  # type: ignore[attr-defined]
    await events.create_event(data, ADMIN, "open_drop", EventOptions(reward=5, trigger="drop"))
    return await new_drop(drops, data, event="open_drop")


async def test_a_crowd_clicking_a_drop_with_no_limit_twice_is_paid_once_each(
    data: ScopedData, drops: Drops, open_drop: str
) -> None:
    crowd = [Member(m) for m in CROWD[:40]]
    results = await asyncio.gather(*(drops.claim(data.scope, open_drop, m) for m in crowd + crowd))
    assert sorted(r.status for r in results) == ["claimed"] * 40 + ["paid"] * 40
    assert all("already" in r.text for r in results if not r.paid)
    assert not any(r.ended_now for r in results)
    drop = await tables(data).get("discord_drops", {"drop_id": open_drop})
    assert drop["claims_count"] == 40 and drop["ended_at"] is None
    rows = [r for r in await ledger(data) if r["idempotency_key"].startswith(f"drop:{open_drop}:")]
    assert sorted(r["discord_user_id"] for r in rows) == sorted(m.id for m in crowd)
    assert (await stats(data, crowd[0].id))["ltz_earned"] == 5


async def test_a_drop_ended_while_a_click_was_on_its_way_answers_ended(
    store: Store, data: ScopedData, drops: Drops, open_drop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = await data.drops.get(open_drop)
    await drops.end(data.scope, OWNER, open_drop)
    before = await snapshot(store)
    monkeypatch.setattr(type(data.drops), "get", lambda self, drop_id: _returns(live))  # read before the end
    result = await drops.claim(data.scope, open_drop, Member(ALICE))
    assert result.status == "ended" and "ended by an admin" in result.text
    assert await snapshot(store) == before, "no claim row, no slot, no payout"


async def test_a_refusal_by_the_rules_takes_no_slot_of_a_drop_with_no_limit(
    store: Store, data: ScopedData, drops: Drops, open_drop: str
) -> None:
    await members.disable_member(data, ADMIN, ALICE, "spam")
    before = await snapshot(store)
    assert (await drops.claim(data.scope, open_drop, Member(ALICE))).status == "refused"
    assert await snapshot(store) == before
    assert (await drops.claim(data.scope, open_drop, Member(BOB))).paid


async def _returns(value: object) -> object:
    return value
