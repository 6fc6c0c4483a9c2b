"""Streaks as a service, on SQLite and PostgreSQL: check-ins, the multiplier source on the hot path, races."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalteez.clock import ManualClock
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import Paid, Rewards
from loyalteez.services.streaks import StreakMultipliers, StreakService, StreakSettings
from loyalteez.services.streaks import input as streak_input
from loyalteez.services.streaks import settings as streak_settings
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, Messages, connected, ledger, member, snapshot
from tests.store.raw import tables

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


# The snapshot's age runs on the store's ManualClock, which these tests move by days: a TTL longer than
# any test keeps reloads down to the ones a config change causes, as with a wall-clock TTL.
TTL = timedelta(days=365).total_seconds()


@pytest.fixture
def multipliers(store: Store) -> StreakMultipliers:
    return StreakMultipliers(store.clock, ttl=TTL)


@pytest.fixture
def rewards(store: Store, multipliers: StreakMultipliers) -> Rewards:
    return Rewards(store, streaks=multipliers)


@pytest.fixture
def streaks(store: Store, rewards: Rewards, multipliers: StreakMultipliers) -> StreakService:
    return StreakService(store, store.clock, rewards, multipliers)


# -- the rules, pure ----------------------------------------------------------------------------------------


@given(
    last=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)),
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5)),
    grace=st.integers(1, 72),
)
def test_alive_since_agrees_with_is_alive(last: datetime, gap: timedelta, grace: int) -> None:
    """The leaderboard filters a whole table with alive_since; /streak decides one member with is_alive."""
    settings = StreakSettings(grace_hours=grace)
    now = last + gap
    assert settings.is_alive(last, now) == (last >= settings.alive_since(now))


def test_tiers_and_milestones() -> None:
    s = StreakSettings()
    assert [s.multiplier(n) for n in (0, 2, 3, 6, 7, 14, 29, 30, 400)] == [
        1,
        1,
        Decimal("1.1"),
        Decimal("1.1"),
        Decimal("1.25"),
        Decimal("1.5"),
        Decimal("1.5"),
        2,
        2,
    ]
    assert s.next_milestone(6) == (7, 50) and s.next_milestone(7) == (30, 200) and s.next_milestone(365) is None
    assert s.min_bonus_streak() == 3
    assert streak_input.parse_multipliers(" 14:1.5 ; 3:1.1 ") == ((3, Decimal("1.1")), (14, Decimal("1.5")))
    assert streak_input.parse_milestones("none") == ()
    with pytest.raises(ValidationError, match="smaller factor"):
        streak_input.parse_multipliers("3:1.5, 7:1.2")


async def test_configure_validates_everything_before_writing(store: Store, data: ScopedData) -> None:
    before = await snapshot(store)
    with pytest.raises(ValidationError, match="milestones"):
        await streak_settings.configure(data, ADMIN, grace_hours=12, milestones="7:50, 30")
    assert await snapshot(store) == before, "the valid grace period was not written alone"
    saved = await streak_settings.configure(data, ADMIN, grace_hours=12, milestones="10:99")
    assert saved == StreakSettings(grace_hours=12, milestones=((10, 99),))
    assert await streak_settings.load(data) == saved


# -- check-ins -------------------------------------------------------------------------------------------------


async def test_simultaneous_daily_commands_check_in_and_pay_once(
    store: Store, data: ScopedData, streaks: StreakService
) -> None:
    results = await asyncio.gather(*(streaks.check_in(data.scope, member(ALICE), f"5{n}") for n in range(8)))
    assert sum(r.done for r in results) == 1
    assert [row["event_type"] for row in await ledger(data, ALICE)] == ["daily_checkin"]
    assert await tables(data).count("loyalteez_daily_checkins") == 1


async def test_the_checkin_is_kept_when_its_reward_is_refused(
    store: Store, data: ScopedData, streaks: StreakService
) -> None:
    from loyalteez.services.rewards import admin_events

    await admin_events.toggle_event(data, ADMIN, "daily_checkin", False)
    result = await streaks.check_in(data.scope, member(ALICE), "61")
    assert result.done and result.streak == 1 and not isinstance(result.outcome, Paid)
    assert (await data.streaks.of(ALICE)).current == 1, "a disabled reward never costs the streak"


# -- the multiplier source: the engine's hot path ---------------------------------------------------------------


async def test_a_big_batch_asks_the_database_once_and_gets_each_members_factor(
    store: Store, data: ScopedData, streaks: StreakService, rewards: Rewards, multipliers: StreakMultipliers
) -> None:
    clock: ManualClock = store.clock  # type: ignore[assignment]
    for day in range(7):  # alice: a 7-day streak (×1.25); bob: 2 days (×1)
        clock.set(MONDAY + timedelta(days=day, hours=8))
        await streaks.check_in(data.scope, member(ALICE), f"7{day}")
        if day >= 5:
            await streaks.check_in(data.scope, member(BOB), f"8{day}")
    multipliers.forget()
    loads = multipliers.loads
    clock.advance(hours=1)
    msg = Messages(store)
    keyword = "espresso"
    from loyalteez.services.rewards import admin_events

    await admin_events.create_event(
        data, ADMIN, "coffee", admin_events.EventOptions(reward=10, trigger="keyword", keywords=[keyword])
    )
    batch = [msg(keyword, ALICE if n % 2 else BOB) for n in range(2000)]
    outcomes = await rewards.engine.apply([(data.scope, m) for m in batch])
    amounts = {(o.paid[0].member_id, o.paid[0].amount) for o in outcomes if o.paid}
    assert amounts == {(ALICE, 13), (BOB, 10)}  # 10 × 1.25 = 12.5 → 13 (half up)
    assert multipliers.loads == loads + 1, "one snapshot for 2,000 payouts"

    clock.set(MONDAY + timedelta(days=9))  # alice's streak ran out on Monday 00:00 (Sunday + 24 h grace)
    later = await rewards.engine.apply([(data.scope, msg(keyword, ALICE))])
    assert later[0].paid[0].amount == 10 and multipliers.loads == loads + 1, "no reload needed to notice it"

    await streak_settings.configure(data, ADMIN, multipliers="1:3")
    clock.set(MONDAY + timedelta(days=9, hours=1))
    await streaks.check_in(data.scope, member(ALICE), "99")
    assert (await rewards.engine.apply([(data.scope, msg(keyword, ALICE))]))[0].paid[0].amount == 30
