"""The engine's engagement extension points (rewards/hooks.py): after-batch callbacks and guarded payouts."""

from __future__ import annotations

import pytest

from loyalteez.services.rewards import Member, Paid, RefusalReason, Refused, RewardsEngine
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_members as members
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.services.rewards.events import Payout
from loyalteez.services.rewards.hooks import BatchEffects
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, Messages, apply, connected, ledger, snapshot
from tests.store.raw import tables


@pytest.fixture
async def data(store: Store) -> ScopedData:
    data = await connected(store)
    await events.create_event(data, ADMIN, "bonus", EventOptions(reward=40, trigger="drop"))
    return data


@pytest.fixture
def engine(store: Store) -> RewardsEngine:
    return RewardsEngine(store)


async def test_callbacks_see_each_written_batchs_deltas_and_payouts(
    store: Store, data: ScopedData, engine: RewardsEngine
) -> None:
    seen: list[BatchEffects] = []

    async def callback(d: ScopedData, effects: BatchEffects) -> None:
        assert d.scope == data.scope
        seen.append(effects)

    engine.after_batch.append(callback)
    msg = Messages(store)
    await apply(engine, data, msg("gm everyone", ALICE), msg("hello", ALICE), msg("hi", BOB))
    assert len(seen) == 1
    assert seen[0].stats == {ALICE: (2, 0, 0, 25), BOB: (1, 0, 0, 0)}
    assert [(p.member_id, p.event_type, p.amount) for p in seen[0].paid] == [(ALICE, "gm_checkin", 25)]
    assert seen[0].members == {ALICE, BOB}
    await engine.pay(data.scope, Payout("drop:x:" + BOB, Member(BOB), "bonus", "drop"))
    assert [(p.member_id, p.key) for p in seen[1].paid] == [(BOB, "drop:x:" + BOB)]
    await apply(engine, data, msg("hello", ALICE, message_id="1"), msg("hello", ALICE, message_id="1"))
    assert len(seen) == 3 and seen[2].stats == {ALICE: (1, 0, 0, 0)}, "a repeat inside the batch counts once"


async def test_a_failing_callback_rolls_the_batch_back(store: Store, data: ScopedData, engine: RewardsEngine) -> None:
    async def broken(d: ScopedData, effects: BatchEffects) -> None:
        raise RuntimeError("boom")

    engine.after_batch.append(broken)
    before = await snapshot(store)
    with pytest.raises(RuntimeError):
        await apply(engine, data, Messages(store)("gm", ALICE))
    assert await snapshot(store) == before


async def test_pay_runs_the_ladder_and_pays_once_per_key(data: ScopedData, engine: RewardsEngine) -> None:
    payout = Payout("drop:d1:" + ALICE, Member(ALICE), "bonus", "drop")
    first = await engine.pay(data.scope, payout)
    again = await engine.pay(data.scope, payout)
    assert isinstance(first, Paid) and first.amount == 40
    assert isinstance(again, Refused) and again.reason == RefusalReason.DUPLICATE
    assert [r["idempotency_key"] for r in await ledger(data, ALICE)] == ["drop:d1:" + ALICE]
    award = await engine.pay(
        data.scope,
        Payout("achievement:a1:" + ALICE, Member(ALICE), "achievement", "achievement", amount=75, synthetic=True),
    )
    assert isinstance(award, Paid) and award.amount == 75 and award.event == "achievement"


async def test_a_guard_reserves_and_any_refusal_rolls_it_back(
    store: Store, data: ScopedData, engine: RewardsEngine
) -> None:
    async def reserve(d: ScopedData) -> Refused | None:
        await tables(d).insert(
            "loyalteez_notices",
            {"notice_id": "6b1a3c42-0000-4000-8000-000000000001", "kind": "goal", "subject_id": "reserved"},
        )
        return None

    await members.disable_member(data, ADMIN, ALICE, None)
    before = await snapshot(store)
    refused = await engine.pay(data.scope, Payout("drop:d1:" + ALICE, Member(ALICE), "bonus", "drop"), guard=reserve)
    assert isinstance(refused, Refused) and refused.reason == RefusalReason.MEMBER_DISABLED
    assert await snapshot(store) == before, "the guard's write went with the ladder's refusal"

    async def full(d: ScopedData) -> Refused | None:
        await reserve(d)
        return Refused(RefusalReason.DUPLICATE, "full")

    outcome = await engine.pay(data.scope, Payout("drop:d1:" + BOB, Member(BOB), "bonus", "drop"), guard=full)
    assert isinstance(outcome, Refused) and outcome.message == "full"
    assert await snapshot(store) == before
    paid = await engine.pay(data.scope, Payout("drop:d1:" + BOB, Member(BOB), "bonus", "drop"), guard=reserve)
    assert isinstance(paid, Paid)
    assert await tables(data).count("loyalteez_notices", {"subject_id": "reserved"}) == 1
