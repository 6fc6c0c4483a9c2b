"""Community goals on both engines: each type moves with what it counts, completes once, misses its deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loyalteez.services.access.permissions import Caller
from loyalteez.services.errors import ValidationError
from loyalteez.services.goals import Goals
from loyalteez.services.rewards import Rewards
from loyalteez.services.rewards import admin_server as server
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, CAROL, SERVER, Messages, apply, connected, snapshot
from tests.store.raw import tables

OWNER = Caller(ADMIN, SERVER, is_owner=True)

DAVE = "800000000000000004"


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
def rewards(store: Store) -> Rewards:
    return Rewards(store, store.clock)


@pytest.fixture
def goals(store: Store, rewards: Rewards) -> Goals:
    service = Goals(store, store.clock)
    rewards.engine.after_batch.append(service.after_batch)
    return service


async def goal(goals: Goals, data: ScopedData, name: str):
    return next(g for g in await goals.listing(data.scope, OWNER) if g.name == name)


async def test_ltz_distributed_counts_real_payouts_since_it_started(
    store: Store, data: ScopedData, rewards: Rewards, goals: Goals
) -> None:
    msg = Messages(store)
    await apply(rewards.engine, data, msg("gm", ALICE))  # 25 before the goal: not counted
    await goals.create(data.scope, OWNER, name="Pour 60", kind="ltz_distributed", target=60)
    await apply(rewards.engine, data, msg("gm", BOB), msg("gn", BOB))  # 25 + 15
    assert (await goal(goals, data, "Pour 60")).value == 40
    await server.enable_test_mode(data, ADMIN, None)
    await apply(rewards.engine, data, msg("gm", CAROL, is_admin=True))  # a test payout: not counted
    await server.disable_test_mode(data, ADMIN)
    assert (await goal(goals, data, "Pour 60")).value == 40
    await apply(rewards.engine, data, msg("gm", DAVE))
    reached = await goal(goals, data, "Pour 60")
    assert reached.value == 65 and reached.completed_at is not None
    await apply(rewards.engine, data, msg("gn", DAVE))
    assert (await goal(goals, data, "Pour 60")).value == 65, "a reached goal stops moving"
    assert len(await tables(data).select("loyalteez_notices", {"kind": "goal"})) == 1


async def test_users_counts_each_member_once(store: Store, data: ScopedData, rewards: Rewards, goals: Goals) -> None:
    msg = Messages(store)
    await apply(rewards.engine, data, msg("gm", ALICE))
    made = await goals.create(data.scope, OWNER, name="Three earners", kind="users", target=3)
    assert made.value == 1, "starts from the members who already earned"
    await apply(rewards.engine, data, msg("gn", ALICE), msg("gm", BOB), msg("gn", BOB))
    assert (await goal(goals, data, "Three earners")).value == 2
    await apply(rewards.engine, data, msg("gm", CAROL))
    assert (await goal(goals, data, "Three earners")).completed_at is not None


async def test_dau_counts_one_days_distinct_earners(
    store: Store, data: ScopedData, rewards: Rewards, goals: Goals
) -> None:
    msg = Messages(store)
    await apply(rewards.engine, data, msg("gm", ALICE))
    made = await goals.create(data.scope, OWNER, name="Busy day", kind="dau", target=3)
    assert made.value == 1
    await apply(rewards.engine, data, msg("gn", ALICE), msg("gm", BOB))
    assert (await goal(goals, data, "Busy day")).value == 2
    store.clock.advance(days=1)
    assert (await goal(goals, data, "Busy day")).shown_value(store.clock.now().date()) == 0
    await apply(rewards.engine, data, msg("gm", CAROL))
    day_two = await goal(goals, data, "Busy day")
    assert day_two.value == 1 and day_two.best == 2 and day_two.completed_at is None
    await apply(rewards.engine, data, msg("gm", ALICE), msg("gm", BOB))
    assert (await goal(goals, data, "Busy day")).completed_at is not None


async def test_custom_goals_move_by_hand_only(store: Store, data: ScopedData, rewards: Rewards, goals: Goals) -> None:
    await goals.create(data.scope, OWNER, name="Art entries", kind="custom", target=10)
    await apply(rewards.engine, data, Messages(store)("gm", ALICE))
    assert (await goal(goals, data, "Art entries")).value == 0
    assert (await goals.progress(data.scope, OWNER, "art entries", 4)).value == 4
    assert (await goals.progress(data.scope, OWNER, "Art entries", -10)).value == 0, "never below zero"
    assert (await goals.progress(data.scope, OWNER, "Art entries", 12)).completed_at is not None
    await goals.create(data.scope, OWNER, name="Pour", kind="ltz_distributed", target=10)
    with pytest.raises(ValidationError, match="only custom goals"):
        await goals.progress(data.scope, OWNER, "Pour", 5)


async def test_a_goal_past_its_deadline_is_missed_and_stops(
    store: Store, data: ScopedData, rewards: Rewards, goals: Goals
) -> None:
    today = store.clock.now().date()
    await goals.create(
        data.scope, OWNER, name="Sprint", kind="ltz_distributed", target=1000, deadline=today.isoformat()
    )
    msg = Messages(store)
    await apply(rewards.engine, data, msg("gm", ALICE))
    store.clock.advance(days=1)
    await apply(rewards.engine, data, msg("gm", BOB))
    sprint = await goal(goals, data, "Sprint")
    assert sprint.value == 25 and sprint.status(store.clock.now().date()) == "missed"
    assert (today + timedelta(days=1)) > sprint.deadline


async def test_ended_goals_leave_the_list(data: ScopedData, goals: Goals) -> None:
    await goals.create(data.scope, OWNER, name="Old", kind="custom", target=5)
    await goals.end(data.scope, OWNER, "old")
    assert [g.name for g in await goals.current(data.scope)] == []
    assert [g.status(g.deadline or g.ended_at.date()) for g in await goals.listing(data.scope, OWNER)] == ["ended"]
    await goals.create(data.scope, OWNER, name="Old", kind="custom", target=5)  # the name is free again


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"kind": "karma"}, "type", "users, dau"),
        ({"target": 0}, "target", "1 to"),
        ({"deadline": "2020-01-01"}, "deadline", "past"),
        ({"deadline": "next friday"}, "deadline", "YYYY-MM-DD"),
        ({"name": " "}, "name", "required"),
    ],
)
async def test_bad_goals_change_nothing(
    store: Store, data: ScopedData, goals: Goals, options: dict, field: str, words: str
) -> None:
    before = await snapshot(store)
    with pytest.raises(ValidationError) as caught:
        await goals.create(data.scope, OWNER, **{"name": "Goal", "kind": "custom", "target": 5, **options})
    assert caught.value.field == field and words in caught.value.message
    assert await snapshot(store) == before
