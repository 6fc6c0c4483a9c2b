"""The goals repository: a goal's value never falls below 0, it completes once, and ends on record."""

from __future__ import annotations

from datetime import date

from loyalteez.store import Store
from tests.conftest import linked
from tests.store.sample_rows import uid


async def test_a_goal_moves_completes_once_and_ends(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    now = store.clock.now()
    goal_id = uid("goal-1")
    await data.goals.add(
        goal_id=goal_id,
        name="Ten",
        kind="custom",
        target=10,
        value=0,
        deadline=None,
        created_at=now,
        value_day=None,
        best=0,
    )
    moved = await data.goals.add_value(goal_id, -5)
    assert moved is not None and moved.value == 0, "never below zero"
    assert await data.goals.complete(goal_id, now) is None, "not reached"
    await data.goals.add_value(goal_id, 12)
    assert await data.goals.value(goal_id) == 12
    done = await data.goals.complete(goal_id, now)
    assert done is not None and done.completed_at == now
    assert await data.goals.complete(goal_id, now) is None, "completed once"
    assert await data.goals.with_state(live_only=True) == []
    await data.goals.end(goal_id, now, "9")
    [ended] = await data.goals.with_state(live_only=False)
    assert ended.ended_at == now and ended.status(now.date()) == "completed"
    assert [g.name for g in await data.goals.all()] == ["Ten"]


async def test_a_dau_goal_keeps_its_day_and_best(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    now = store.clock.now()
    goal_id = uid("goal-2")
    await data.goals.add(
        goal_id=goal_id,
        name="Busy",
        kind="dau",
        target=50,
        value=0,
        deadline=None,
        created_at=now,
        value_day=now.date(),
        best=0,
    )
    await data.goals.set_value(goal_id, 3)
    await data.goals.save_day(goal_id, date(2030, 1, 2), 3, exists=True)
    day = await data.goals.day(goal_id)
    assert day is not None and (day.value_day, day.best) == (date(2030, 1, 2), 3)
    assert await data.goals.earning_members() == 0
    assert await data.goals.earners_since(now) == 0
    assert await data.goals.lifetime_earned([]) == {}
