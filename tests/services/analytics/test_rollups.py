"""Daily rollups move with the events the rewards engine counts and pays, in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.analytics.rollups import record_join
from loyalteez.services.analytics.streak_rules import boundary_days, next_streak
from loyalteez.services.rewards import ManualReward, Paid, ReactionEvent, RewardsEngine, VoiceSession
from loyalteez.services.rewards import admin_server as server
from loyalteez.services.rewards.events import Payout
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, CAROL, GENERAL, Messages, apply, connected, member
from tests.store.raw import tables


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


async def checkin(engine: RewardsEngine, data: ScopedData, who: str, key: str, streak: int | None = None) -> None:
    """A daily_checkin payout; with `streak`, as /daily makes it (its check-in row first, same transaction)."""
    async with data.transaction():
        if streak is not None:
            now = data.clock.now()
            await data.streaks.check_in(who, now.date(), streak, streak, now, key, False)
        outcome = await engine.pay(data.scope, Payout(f"{key}:daily_checkin", member(who), "daily_checkin", "daily"))
    assert isinstance(outcome, Paid), outcome


@pytest.fixture
def engine(store: Store) -> RewardsEngine:
    return RewardsEngine(store)


async def day_rows(data: ScopedData) -> dict[tuple[str, str], dict]:
    rows = await tables(data).select("loyalteez_activity_daily")
    keys = ("messages", "reactions", "voice_minutes", "voice_sessions", "checkins", "rewards", "ltz_earned", "streak")
    return {(str(r["day"]), r["discord_user_id"]): {k: r[k] for k in keys} for r in rows}


async def member_row(data: ScopedData, member_id: str) -> dict | None:
    return await tables(data).get("loyalteez_member_analytics", {"discord_user_id": member_id})


async def test_messages_reactions_voice_and_payouts_roll_up_per_member_and_day(
    store: Store, data: ScopedData, engine: RewardsEngine, clock: ManualClock
) -> None:
    msg = Messages(store)
    await apply(engine, data, msg("gm"), msg("lol"), msg("hello there", author=BOB))
    await apply(
        engine,
        data,
        ReactionEvent("m1", GENERAL, BOB, "🎉", member(ALICE), 1),
        VoiceSession("s1", member(BOB), GENERAL, 42),
        VoiceSession("s2", member(BOB), GENERAL, 0),
    )
    await checkin(engine, data, CAROL, "i1", streak=4)
    await engine.reward(data.scope, ManualReward("i2", ADMIN, member(BOB), "daily_checkin", amount=7))

    rows = await day_rows(data)
    day = "2026-03-02"
    assert rows[(day, ALICE)] == {
        "messages": 2,
        "reactions": 0,
        "voice_minutes": 0,
        "voice_sessions": 0,
        "checkins": 0,
        "rewards": 1,
        "ltz_earned": 25,
        "streak": 0,
    }
    # Bob: a message, a reaction, one voice session with minutes (the 0-minute one counts no session) and a
    # manual daily_checkin payout of 7 (a check-in without a streak from the streak service: computed, 1).
    assert rows[(day, BOB)] == {
        "messages": 1,
        "reactions": 1,
        "voice_minutes": 42,
        "voice_sessions": 1,
        "checkins": 1,
        "rewards": 1,
        "ltz_earned": 7,
        "streak": 1,
    }
    assert rows[(day, CAROL)]["checkins"] == 1 and rows[(day, CAROL)]["streak"] == 4, "as /daily recorded it"
    alice = await member_row(data, ALICE)
    assert str(alice["last_active_on"]) == day
    assert alice["first_seen_at"] == clock.now() and alice["first_reward_at"] == clock.now()


async def test_the_same_event_twice_rolls_up_once(store: Store, data: ScopedData, engine: RewardsEngine) -> None:
    msg = Messages(store)
    gm = msg("gm")
    await apply(engine, data, gm)
    await apply(engine, data, gm, gm)  # a gateway redelivery, twice
    rows = await day_rows(data)
    assert rows[("2026-03-02", ALICE)]["messages"] == 1 and rows[("2026-03-02", ALICE)]["ltz_earned"] == 25


async def test_bots_and_test_mode_never_count(store: Store, data: ScopedData, engine: RewardsEngine) -> None:
    msg = Messages(store)
    await apply(engine, data, msg("gm", author=CAROL, is_bot=True))
    await server.enable_test_mode(data, ADMIN)
    await apply(engine, data, msg("gm", is_admin=True), msg("chatting in test mode", author=BOB))
    assert await day_rows(data) == {}
    assert await tables(data).count("loyalteez_member_analytics") == 0
    assert (await tables(data).get("discord_user_stats", {"discord_user_id": BOB}))["messages_count"] == 1, (
        "stats still count: only analytics leaves test mode out"
    )


async def test_days_roll_over_at_midnight_utc(
    store: Store, data: ScopedData, engine: RewardsEngine, clock: ManualClock
) -> None:
    msg = Messages(store)
    clock.set(datetime(2026, 3, 2, 23, 59, tzinfo=UTC))
    await apply(engine, data, msg("gm"))
    clock.set(datetime(2026, 3, 3, 0, 1, tzinfo=UTC))
    await apply(engine, data, msg("gm"))
    rows = await day_rows(data)
    assert rows[("2026-03-02", ALICE)]["ltz_earned"] == 25 and rows[("2026-03-03", ALICE)]["ltz_earned"] == 25
    alice = await member_row(data, ALICE)
    assert str(alice["last_active_on"]) == "2026-03-03"
    assert alice["first_seen_at"] == datetime(2026, 3, 2, 23, 59, tzinfo=UTC)


async def test_check_in_streaks_follow_the_grace_period(
    data: ScopedData, engine: RewardsEngine, clock: ManualClock
) -> None:
    for n in range(3):  # three days in a row, paid without a streak in the details: computed here
        await checkin(engine, data, ALICE, f"c{n}")
        clock.advance(days=1)
    clock.advance(days=1)  # a missed day: the default grace (24 h after the check-in's day) is over
    await checkin(engine, data, ALICE, "c9")
    rows = await day_rows(data)
    assert [rows[(f"2026-03-0{d}", ALICE)]["streak"] for d in (2, 3, 4, 6)] == [1, 2, 3, 1]


def test_streak_rule_at_the_edges() -> None:
    last = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    assert next_streak(last, 4, datetime(2026, 3, 4, 0, 0, tzinfo=UTC), 24) == 5, "exactly at the deadline"
    assert next_streak(last, 4, datetime(2026, 3, 4, 0, 1, tzinfo=UTC), 24) == 1
    assert next_streak(last, 4, datetime(2026, 3, 5, 0, 0, tzinfo=UTC), 48) == 5
    assert next_streak(last, 4, datetime(2026, 3, 2, 23, 30, tzinfo=UTC), 24) == 4, "same day: unchanged"
    day = datetime(2026, 3, 10).date()
    assert boundary_days(day, 24) == (day - timedelta(days=1), day)
    assert boundary_days(day, 36) == (day - timedelta(days=2), day - timedelta(days=1))
    assert boundary_days(day, 72) == (day - timedelta(days=3), day - timedelta(days=2))


async def test_a_join_starts_the_new_member_week_and_keeps_the_first_join(
    data: ScopedData, engine: RewardsEngine, clock: ManualClock, store: Store
) -> None:
    joined = clock.now()
    await record_join(data, BOB, joined)
    clock.advance(hours=3)
    await apply(engine, data, Messages(store)("gm", author=BOB))
    await record_join(data, BOB, clock.now())  # left and came back
    bob = await member_row(data, BOB)
    assert bob["joined_at"] == joined and bob["entered_at"] == joined
    assert bob["first_seen_at"] == clock.now() and bob["first_reward_at"] == clock.now()


async def test_a_failed_batch_rolls_its_rollups_back(store: Store, data: ScopedData, engine: RewardsEngine) -> None:
    async def boom(*_args, **_kwargs) -> None:
        raise RuntimeError("disk full")

    engine.after_batch.append(boom)
    with pytest.raises(RuntimeError):
        await apply(engine, data, Messages(store)("gm"))
    assert await day_rows(data) == {} and await tables(data).count("loyalteez_member_analytics") == 0


async def test_a_replayed_batch_notes_each_member_at_their_own_first_moment(
    store: Store, data: ScopedData, engine: RewardsEngine, clock: ManualClock
) -> None:
    engine.late_after = timedelta(0)  # a history replay: every event is decided at its own time
    msg = Messages(store)
    start = clock.now()
    await apply(engine, data, msg("hello", author=CAROL))  # known before the batch: keeps its first moment
    events = []
    for who in (ALICE, BOB, CAROL):
        clock.advance(minutes=5)
        events += [msg("gm", author=who), msg("still here", author=who)]
    clock.advance(hours=1)
    await apply(engine, data, *events)
    firsts = {who: await member_row(data, who) for who in (ALICE, BOB, CAROL)}
    assert [firsts[who]["first_seen_at"] for who in (ALICE, BOB, CAROL)] == [
        start + timedelta(minutes=5),
        start + timedelta(minutes=10),
        start,
    ]
    assert [firsts[who]["first_reward_at"] for who in (ALICE, BOB, CAROL)] == [
        start + timedelta(minutes=5),
        start + timedelta(minutes=10),
        start + timedelta(minutes=15),
    ]
