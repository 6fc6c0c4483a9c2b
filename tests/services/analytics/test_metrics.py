"""Every metric on small rollup fixtures, against values worked out by hand (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loyalteez.clock import start_of_day
from loyalteez.services.analytics.metrics import KPIS, day_metrics, period_value
from loyalteez.store import ScopedData, Store
from tests.conftest import linked

D = date(2026, 3, 16)  # a Monday


def ago(days: int) -> date:
    return D - timedelta(days=days)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def roll(
    data: ScopedData,
    day: date,
    member: str,
    *,
    messages: int = 0,
    reactions: int = 0,
    voice: int = 0,
    sessions: int = 0,
    checkins: int = 0,
    rewards: int = 0,
    ltz: int = 0,
    hour: int = 12,
) -> None:
    """One batch's rollup for one member, as the engine writes it (the batch's moment: `hour` o'clock), with
    the member's lifetime stats moving alongside (what top_10_concentration and the whales read)."""
    at = start_of_day(day) + timedelta(hours=hour)
    await data.analytics.record(day, at, {member: [messages, reactions, voice, sessions, checkins, rewards, ltz]})
    await data.ledger.write([], {member: [messages, reactions, voice, ltz]})


async def test_activity_metrics(data: ScopedData) -> None:
    # alice earns on D-10, D-3 and D; bob only on D-9 (churned); carol on D-8 and D-1 (stays);
    # dave only chats on D (active, never earns); erin earns twice on D with voice; fred earns on D-2.
    for day in (ago(10), ago(3), D):
        await roll(data, day, "alice", messages=2, rewards=1, ltz=10)
    await roll(data, ago(9), "bob", rewards=1, ltz=50)
    for day in (ago(8), ago(1)):
        await roll(data, day, "carol", rewards=1, ltz=20)
    await roll(data, D, "dave", messages=5)
    await roll(data, D, "erin", voice=30, sessions=1, rewards=2, ltz=100)
    await roll(data, ago(2), "fred", rewards=1, ltz=5)

    m = await day_metrics(data, D, 24)

    assert m["daily_active_users"] == 2  # alice, erin
    assert m["weekly_active_users"] == 4  # alice, carol, erin, fred
    assert m["voice_participation"] == 0.5  # erin of {alice, erin}
    assert m["reward_efficiency"] == 36.25  # (20 + 20 + 100 + 5) / 4
    assert m["churn_rate"] == pytest.approx(1 / 3, abs=1e-4)  # bob of {alice, bob, carol}
    assert m["events_per_active_user"] == 1.5  # 3 payouts on D / 2
    assert m["triggered_event_rate"] == pytest.approx(2 / 3, abs=1e-4)  # 2 earners of 3 active on D


async def test_lifetime_metrics_ignore_what_came_after_the_day(data: ScopedData) -> None:
    # Earnings up to D: anna 100 (1 payout), ben 50 (3), cat 30 (2), dan 20 (1), eve 10 (1),
    # fay 5 (1), gil 5 (1), hal 5 (1), ivo 5 (1), jo 5 (1), kim 5 (1): 11 earners, 240 LTZ.
    await roll(data, ago(20), "anna", rewards=1, ltz=100)
    for day, ltz in ((ago(12), 20), (ago(5), 20), (D, 10)):
        await roll(data, day, "ben", rewards=1, ltz=ltz)
    await roll(data, ago(4), "cat", rewards=2, ltz=30)
    await roll(data, ago(3), "dan", rewards=1, ltz=20)
    await roll(data, ago(2), "eve", rewards=1, ltz=10)
    for name in ("fay", "gil", "hal", "ivo", "jo", "kim"):
        await roll(data, ago(1), name, rewards=1, ltz=5)
    # After D: must not count for D (a catch-up snapshot of D written later sees the same numbers).
    await roll(data, D + timedelta(days=1), "kim", rewards=5, ltz=1000)
    await roll(data, D + timedelta(days=2), "zed", rewards=1, ltz=7)

    m = await day_metrics(data, D, 24)

    # top 10 % of 11 earners = ceil(1.1) = 2 members: anna 100 + ben 50 of 240.
    assert m["top_10_concentration"] == pytest.approx(150 / 240, abs=1e-4)
    # Payouts in D-13..D (anna's of D-20 is older): ben 3, cat 2, dan, eve, fay..kim 1 each = 13 by 10 earners.
    assert m["repeat_event_rate"] == 1.3
    assert m["repeat_event_rate_pct"] == 0.1  # ben alone has 3+
    assert m["details"]["earners_total"] == 11 and m["details"]["ltz_total"] == 240


async def test_cohort_metrics(data: ScopedData) -> None:
    # The cohort of D is everyone who joined (or was first seen) from D-6 00:00 to the end of D.
    await data.analytics.record_join("gus", start_of_day(ago(4)) + timedelta(hours=10))  # joins, never earns
    await data.analytics.record_join("hana", start_of_day(ago(1)) + timedelta(hours=12))
    await roll(data, D, "hana", rewards=1, ltz=10, hour=6)  # paid 18 h after joining
    await roll(data, ago(2), "fred", messages=1, hour=8)  # first seen chatting...
    await roll(data, ago(2), "fred", rewards=1, ltz=5, hour=20)  # ...paid 12 h later
    await roll(data, D, "erin", rewards=1, ltz=10, hour=9)  # first seen earning: 0 h
    await roll(data, D, "dave", messages=3)  # first seen, not paid
    await data.analytics.record_join("ines", start_of_day(ago(6)) + timedelta(hours=9))
    await roll(data, ago(4), "ines", rewards=1, ltz=10, hour=9)  # paid 48 h after joining
    await data.analytics.record_join("old", start_of_day(ago(30)))  # joined long ago: not in the cohort
    await roll(data, D, "old", rewards=1, ltz=10)
    await roll(data, D + timedelta(days=1), "late", rewards=1, ltz=10)  # after D: not in D's cohort

    m = await day_metrics(data, D, 24)

    # cohort: gus, hana, fred, erin, dave, ines (6); paid by the end of D: hana, fred, erin, ines (4)
    assert m["new_user_conversion"] == pytest.approx(4 / 6, abs=1e-4)
    assert m["time_to_first_reward"] == 15.0  # median of 0, 12, 18, 48 hours
    assert m["time_to_first_reward_pct"] == 0.5  # 3 of 6 paid within 24 h
    assert m["details"]["new_members"] == 6


async def checkins(data: ScopedData, member: str, *days: date) -> None:
    streak = 0
    for i, day in enumerate(days):
        streak = streak + 1 if i and (day - days[i - 1]).days <= 2 else 1
        await roll(data, day, member, checkins=1, rewards=1, ltz=20)
        await data.analytics.set_streaks(day, [(member, start_of_day(day) + timedelta(hours=12), streak)])


async def test_streak_metrics_with_the_default_grace(data: ScopedData) -> None:
    await checkins(data, "s1", ago(2), ago(1), D)  # alive at both ends, streak 3
    await checkins(data, "s2", ago(1))  # alive at the start of D, broken during D
    await checkins(data, "s3", ago(2))  # already over at the start of D (broken during D-1)
    await checkins(data, "s4", D)  # a new streak on D

    m = await day_metrics(data, D, 24)

    assert m["streak_retention"] == 0.5  # s1 of {s1, s2}
    assert m["avg_streak_length"] == 2.0  # s1 (3) and s4 (1) alive at the end of D
    assert m["details"]["streak_breaks"] == 1
    assert m["streak_break_frequency"] == round(2 / 7, 2)  # s2 on D, s3 on D-1, none on D-6..D-2


async def test_a_longer_grace_keeps_a_skipped_day_alive(data: ScopedData) -> None:
    await checkins(data, "s2", ago(1))  # with 48 h of grace, still alive at the end of D
    await checkins(data, "s3", ago(2))  # alive at the start of D (48 h after D-2 ends), over at its end
    m = await day_metrics(data, D, 48)
    assert m["streak_retention"] == 0.5
    assert m["avg_streak_length"] == 1.0


async def test_an_empty_server_has_nulls_not_zeros(data: ScopedData) -> None:
    m = await day_metrics(data, D, 24)
    assert m["daily_active_users"] == 0 and m["weekly_active_users"] == 0
    ratios = [
        x.name for x in KPIS.all() if x.kind in ("ratio", "number", "hours") and x.name != "streak_break_frequency"
    ]
    assert {name: m[name] for name in ratios} == dict.fromkeys(ratios)
    seeds = KPIS.targetable()
    assert set(seeds) <= set(m) and len(seeds) == 8


def test_period_values_average_the_daily_values() -> None:
    daily = {ago(i): {"churn_rate": v} for i, v in enumerate([0.1, 0.2, None, 0.3])}
    assert period_value(daily, "churn_rate", D, 1) == 0.1
    assert period_value(daily, "churn_rate", D, 7) == 0.2  # nulls left out
    assert period_value(daily, "churn_rate", ago(10), 7) is None


def test_the_kpi_catalogue() -> None:
    assert KPIS.targetable() == (
        "daily_active_users",
        "weekly_active_users",
        "streak_retention",
        "new_user_conversion",
        "voice_participation",
        "reward_efficiency",
        "churn_rate",
        "top_10_concentration",
    )
    assert {m.name for m in KPIS.all() if not m.targetable} == {
        "events_per_active_user",
        "triggered_event_rate",
        "time_to_first_reward",
        "time_to_first_reward_pct",
        "repeat_event_rate",
        "repeat_event_rate_pct",
        "avg_streak_length",
        "streak_break_frequency",
    }
    assert datetime(2026, 3, 16, tzinfo=UTC).weekday() == 0
