"""Several bot processes (or the web dashboard's) on one PostgreSQL database: a reward config change made by
one is what the others pay with from their very next payout, however recently they cached the config, on
both ways a write takes its locks, with no round trip added for it and nothing held in a session (so it
works through a transaction-mode pooler)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.access import brands
from loyalteez.services.rewards import Member, RewardsEngine
from loyalteez.services.rewards.events import Payout
from loyalteez.services.rewards.outcomes import RefusalReason, Refused
from loyalteez.store import Store
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, CAROL, Messages, apply, connected, ledger, two_processes

DAVE = "800000000000000004"


@pytest.fixture(params=["on", "off"], ids=["decided-then-guarded", "locked"])
async def stores(request: pytest.FixtureRequest, clock: ManualClock) -> AsyncIterator[tuple[Store, Store]]:
    """Two processes on one database; the clock never moves, so no cache ever ages out."""
    async with two_processes(clock, request.param) as pair:
        yield pair


async def test_a_rule_changed_by_another_process_pays_its_new_amount_at_once(stores: tuple[Store, Store]) -> None:
    one, two = stores
    data = await connected(one)
    engine, msg = RewardsEngine(one), Messages(one)
    assert (await apply(engine, data, msg("gm fam")))[0].paid[0].amount == 25  # the config is cached now
    loads = engine.cache.loads
    before = one.db.round_trips  # type: ignore[attr-defined]
    assert (await apply(engine, data, msg("gm", DAVE)))[0].paid[0].amount == 25
    unchanged = one.db.round_trips - before  # type: ignore[attr-defined]

    elsewhere = two.scoped(data.scope)
    async with elsewhere.rewards.transaction():
        await elsewhere.rewards.update_rule("gm_checkin", {"reward_amount": 40})

    assert (await apply(engine, data, msg("gm all", BOB)))[0].paid[0].amount == 40
    assert engine.cache.loads == loads + 1  # read again once, because it changed
    before = one.db.round_trips  # type: ignore[attr-defined]
    assert (await apply(engine, data, msg("gm friends", CAROL)))[0].paid[0].amount == 40
    assert engine.cache.loads == loads + 1
    trips = one.db.round_trips - before  # type: ignore[attr-defined]
    assert trips == unchanged, "checking the version costs no round trip of its own"
    assert [r["amount"] for r in await ledger(data)] == [25, 25, 40, 40]


async def test_a_member_disabled_by_another_process_is_refused_by_the_next_command(
    stores: tuple[Store, Store],
) -> None:
    one, two = stores
    data = await connected(one)
    engine = RewardsEngine(one)
    paid = await engine.pay(data.scope, Payout("voice:s1:" + BOB, Member(BOB), "voice_activity", "voice"))
    assert not isinstance(paid, Refused)  # the config is cached now

    elsewhere = two.scoped(data.scope)
    async with elsewhere.rewards.transaction():
        await elsewhere.rewards.disable_member(ALICE, "spam", ADMIN)

    refused = await engine.pay(data.scope, Payout("voice:s2:" + ALICE, Member(ALICE), "voice_activity", "voice"))
    assert isinstance(refused, Refused) and refused.reason == RefusalReason.MEMBER_DISABLED
    assert await ledger(data, ALICE) == []


async def test_a_budget_set_by_the_operator_elsewhere_stops_payouts_at_once(stores: tuple[Store, Store]) -> None:
    one, two = stores
    data = await connected(one)
    engine, msg = RewardsEngine(one), Messages(one)
    assert (await apply(engine, data, msg("gm fam")))[0].paid  # the config is cached now: no budget

    await brands.set_budget(two, data.scope.brand_id, "25")  # `python bot.py brand budget`, spent already

    outcome = (await apply(engine, data, msg("gm all", BOB)))[0]
    assert outcome.counted and [r.reason for r in outcome.results] == [RefusalReason.BUDGET]
    assert [r["amount"] for r in await ledger(data)] == [25]
