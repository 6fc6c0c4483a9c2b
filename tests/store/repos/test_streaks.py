"""The streaks repository on both engines: one check-in a day, typed streak rows, the alive filter."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from loyalteez.store import Scope, Store
from loyalteez.store.repos.streaks import DailyCheckin, Streak
from tests.conftest import linked
from tests.store.raw import tables

ALICE, BOB, CAROL = "800000000000000001", "800000000000000002", "800000000000000003"


async def test_a_checkin_writes_the_day_and_the_streak_once(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    now = store.clock.now()
    assert await data.streaks.of(ALICE) is None
    added = await asyncio.gather(
        *(data.streaks.check_in(ALICE, now.date(), 1, 1, now, f"i{n}", False) for n in range(5))
    )
    assert sorted(added) == [False] * 4 + [True]
    assert await data.streaks.of(ALICE) == Streak(ALICE, 1, 1, now)
    assert await data.streaks.checkin_count(ALICE) == 1

    later = now + timedelta(days=1)
    assert await data.streaks.check_in(ALICE, later.date(), 2, 2, later, "i9", True)
    assert await data.streaks.of(ALICE) == Streak(ALICE, 2, 2, later)
    assert await data.streaks.checkins() == [
        DailyCheckin(ALICE, now.date(), 1, False),
        DailyCheckin(ALICE, later.date(), 2, True),
    ]
    assert await tables(data).count("loyalteez_daily_checkins") == 2


async def test_streak_lists_filter_rank_and_stay_in_their_scope(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    other = store.scoped(await linked(store, "brand_a", "1002"))
    now = store.clock.now()
    old = now - timedelta(days=5)
    await data.streaks.check_in(ALICE, now.date(), 7, 9, now, "a", False)
    await data.streaks.check_in(BOB, now.date(), 3, 3, now, "b", False)
    await data.streaks.check_in(CAROL, old.date(), 12, 12, old, "c", False)  # ran out long ago
    await other.streaks.check_in(ALICE, now.date(), 40, 40, now, "x", False)

    assert {s.member_id for s in await data.streaks.at_least(5)} == {ALICE, CAROL}
    assert [s.member_id for s in await data.streaks.top(now - timedelta(days=1), 10)] == [ALICE, BOB]
    assert [s.member_id for s in await data.streaks.top(now - timedelta(days=1), 1)] == [ALICE]
    assert {s.member_id for s in await data.streaks.everyone()} == {ALICE, BOB, CAROL}
    assert await other.streaks.of(ALICE) == Streak(ALICE, 40, 40, now)
    assert await store.scoped(Scope("brand_b", "1001")).streaks.everyone() == []
