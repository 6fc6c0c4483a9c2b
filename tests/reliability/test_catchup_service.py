"""The catch-up service and its cursor gate, on SQLite and PostgreSQL, without Discord.

The gate is what makes a crash during catch-up safe: a live message newer than the gap must not move the
channel's cursor past messages not fetched yet.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.catchup import CatchupService, snowflake_at, snowflake_time
from loyalteez.services.catchup import service as catchup_service
from loyalteez.services.rewards import MessageEvent, Rewards
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ALICE, BOB, GENERAL, RANDOM, connected
from tests.store.raw import tables


class FakeHistory:
    """A channel whose history is a list of MessageEvents; can fail after some pages."""

    def __init__(self, channel_id: str, messages: Sequence[MessageEvent], fail_after: int | None = None) -> None:
        self.channel_id = channel_id
        self.messages = list(messages)
        self.fail_after = fail_after
        self.asked: list[tuple[int, int]] = []

    async def pages(self, after_id: int, before_id: int) -> AsyncIterator[Sequence[MessageEvent]]:
        self.asked.append((after_id, before_id))
        chosen = [m for m in self.messages if after_id < int(m.message_id) < before_id]
        for n, start in enumerate(range(0, len(chosen), 3)):
            if self.fail_after is not None and n >= self.fail_after:
                raise ConnectionError("Discord went away")
            yield chosen[start : start + 3]


SEQUENCE = itertools.count(1)


def message(clock: ManualClock, content: str, author: str = ALICE, channel: str = GENERAL) -> MessageEvent:
    """A message posted now, with an id that carries its time like Discord's."""
    when = clock.now()
    return MessageEvent(
        str(snowflake_at(when) + next(SEQUENCE)), channel, author, (), content, False, False, False, when
    )


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
async def rewards(store: Store) -> AsyncIterator[Rewards]:
    made = Rewards(store, store.clock, max_delay=0)
    yield made
    await made.close()


def service(store: Store, rewards: Rewards, hours: float = 24) -> CatchupService:
    made = CatchupService(store, store.clock, rewards, timedelta(hours=hours))
    rewards.engine.batch_hooks.append(made.cursor_hook)
    return made


async def test_snowflakes_round_trip_to_the_millisecond() -> None:
    moment = datetime(2026, 3, 2, 12, 0, 0, 1000, tzinfo=UTC)
    assert snowflake_time(snowflake_at(moment)) == moment
    assert snowflake_at(moment + timedelta(microseconds=1)) == snowflake_at(moment + timedelta(milliseconds=1))


async def test_caught_up_messages_pay_once_and_move_the_cursor(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    catchup = service(store, rewards)
    clock.advance(minutes=1)
    history = [message(clock, "gm"), message(clock, "hello", BOB), message(clock, "gm", BOB)]
    clock.advance(minutes=10)
    catchup.session_started([data.scope.server_id])
    report = await catchup.catch_up(data.scope, [FakeHistory(GENERAL, history)])
    assert (report.fetched, report.paid, report.complete) == (3, 2, True)
    assert await data.catchup.cursors() == {GENERAL: int(history[-1].message_id)}
    again = await catchup.catch_up(data.scope, [FakeHistory(GENERAL, history)])
    assert again.fetched == 0, "the cursor is past them: nothing is fetched twice"
    assert len(await tables(data).select("loyalteez_reward_ledger")) == 2


async def test_live_messages_do_not_move_a_gated_cursor(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    catchup = service(store, rewards)
    first = message(clock, "before the crash")
    await rewards.submit(data.scope, first)
    assert await data.catchup.cursors() == {GENERAL: int(first.message_id)}, "ungated: live moves it"

    clock.advance(minutes=5)
    missed = message(clock, "gm", BOB)  # posted while the bot was down
    catchup.session_started([data.scope.server_id])
    clock.advance(minutes=5)
    live = message(clock, "gm")  # arrives live before the catch-up ran
    await rewards.submit(data.scope, live)
    assert await data.catchup.cursors() == {GENERAL: int(first.message_id)}, "gated: a crash now loses nothing"

    await catchup.catch_up(data.scope, [FakeHistory(GENERAL, [first, missed, live])])
    assert await data.catchup.cursors() == {GENERAL: int(live.message_id)}
    later = message(clock, "after the catch-up")
    await rewards.submit(data.scope, later)
    assert await data.catchup.cursors() == {GENERAL: int(later.message_id)}, "caught up: live moves it again"
    assert {r["discord_user_id"] for r in await tables(data).select("loyalteez_reward_ledger")} == {ALICE, BOB}


async def test_a_busy_channel_is_fetched_only_up_to_where_live_delivery_began(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    """After a restart into busy chat, what the gateway delivers live is not fetched and applied again; a
    message a little past the first live one (Discord's ids come from several clocks) still is."""
    catchup = service(store, rewards)
    clock.advance(minutes=1)
    missed = [message(clock, "gm", BOB), *(message(clock, f"while down {n}", BOB) for n in range(4))]
    clock.advance(seconds=10)
    await catchup.live_from_here(catchup.session_started([data.scope.server_id]))
    live = []
    for n in range(20):  # the chat goes on, every message delivered live as well
        clock.advance(seconds=2)
        live.append(message(clock, f"live {n}"))
    straggler = dataclasses.replace(live[0], message_id=str(int(live[0].message_id) + (500 << 22)), content="gm")
    await rewards.submit(data.scope, live[0])
    history = FakeHistory(GENERAL, [*missed, live[0], straggler, *live[1:]])  # pages of 3: the 3rd is cut

    report = await catchup.catch_up(data.scope, [history])
    assert report.complete and report.fetched == len(missed) + 2, "up to just past the first live message"
    assert await data.catchup.cursors() == {GENERAL: int(straggler.message_id)}
    for event in live[1:]:
        await rewards.submit(data.scope, event)
    assert await data.catchup.cursors() == {GENERAL: int(live[-1].message_id)}, "caught up: live moves it"
    keys = {r["idempotency_key"] for r in await tables(data).select("loyalteez_reward_ledger")}
    assert keys == {f"{missed[0].message_id}:gm_checkin", f"{straggler.message_id}:gm_checkin"}


async def test_chat_of_the_old_connection_applied_late_does_not_cut_the_next_catch_up_short(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    """Under load, chat read just before a disconnect may be applied after the new session began: it must
    not be taken for that session's first live message, or the messages of the gap are never fetched."""
    catchup = service(store, rewards)
    first = catchup.session_started([data.scope.server_id])
    await catchup.live_from_here(first)
    await catchup.catch_up(data.scope, [FakeHistory(GENERAL, [])])
    clock.advance(minutes=1)
    old = message(clock, "read just before the connection dropped")
    clock.advance(seconds=5)
    missed = message(clock, "gm", BOB)  # posted while disconnected
    clock.advance(seconds=5)
    second = catchup.session_started([data.scope.server_id])
    await rewards.submit(data.scope, old)  # the backlog hands it over only now ...
    await catchup.live_from_here(second)  # ... and then reaches the new session's chat
    live = message(clock, "live on the new session")
    await rewards.submit(data.scope, live)

    report = await catchup.catch_up(data.scope, [FakeHistory(GENERAL, [old, missed, live])])
    assert report.fetched == 3, "the gap is fetched"
    assert await data.catchup.cursors() == {GENERAL: int(live.message_id)}
    paid = {r["discord_user_id"] for r in await tables(data).select("loyalteez_reward_ledger")}
    assert paid == {BOB}, "the greeting posted while disconnected is paid"


async def test_a_catch_up_that_started_before_the_old_chat_was_written_runs_to_the_end(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    """The bot reports ready (and starts the catch-up) while chat of the old connection is still being handled:
    telling live messages apart afterwards must not stop that catch-up."""
    catchup = service(store, rewards)
    clock.advance(minutes=1)
    missed = message(clock, "gm", BOB)
    clock.advance(seconds=5)
    session = catchup.session_started([data.scope.server_id])
    running = asyncio.create_task(
        catchup.run_session([(data.scope, data.scope.server_id, [FakeHistory(GENERAL, [missed])])])
    )
    await asyncio.sleep(0)  # on_ready started it ...
    await catchup.live_from_here(session)  # ... before the backlog reached the new session's chat
    await running
    assert catchup.caught_up and catchup.reports[0].fetched == 1
    assert {r["discord_user_id"] for r in await tables(data).select("loyalteez_reward_ledger")} == {BOB}


async def test_old_chat_not_written_in_time_only_widens_the_fetch(
    store: Store, data: ScopedData, rewards, clock: ManualClock, monkeypatch, caplog
) -> None:
    catchup = service(store, rewards)
    monkeypatch.setattr(catchup_service, "LIVE_FLUSH_TIMEOUT", 0.01)

    async def stuck() -> None:
        await asyncio.Event().wait()

    monkeypatch.setattr(rewards.writer, "flush", stuck)
    session = catchup.session_started([data.scope.server_id])
    await catchup.live_from_here(session)
    assert "was not written within" in caplog.text
    clock.advance(seconds=5)
    live = [message(clock, "live"), message(clock, "gm", BOB)]
    await rewards.submit(data.scope, live[0])
    report = await catchup.catch_up(data.scope, [FakeHistory(GENERAL, live)])
    assert report.fetched == 2, "no bound taken: everything up to the clock's bound is fetched"


async def test_a_cursor_never_moves_back(store: Store, data: ScopedData) -> None:
    await data.catchup.advance({GENERAL: 500})
    await data.catchup.advance({GENERAL: 400, RANDOM: 7})
    assert await data.catchup.cursors() == {GENERAL: 500, RANDOM: 7}


async def test_an_unreadable_channel_keeps_its_gate_and_its_cursor(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    catchup = service(store, rewards)
    clock.advance(minutes=1)
    broken = [message(clock, f"m{n}", channel=RANDOM) for n in range(7)]
    fine = [message(clock, "gm")]
    clock.advance(minutes=1)
    catchup.session_started([data.scope.server_id])
    report = await catchup.catch_up(data.scope, [FakeHistory(RANDOM, broken, fail_after=1), FakeHistory(GENERAL, fine)])
    assert not report.complete and report.fetched == 4
    assert await data.catchup.cursors() == {RANDOM: int(broken[2].message_id), GENERAL: int(fine[0].message_id)}
    await rewards.submit(data.scope, message(clock, "live in the broken channel", channel=RANDOM))
    assert (await data.catchup.cursors())[RANDOM] == int(broken[2].message_id), "still gated: retried later"


async def test_a_catch_up_overtaken_by_a_newer_session_opens_no_gate(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    catchup = service(store, rewards)
    catchup.session_started([data.scope.server_id])

    class NewSessionMidway(FakeHistory):
        async def pages(self, after_id: int, before_id: int) -> AsyncIterator[Sequence[MessageEvent]]:
            catchup.session_started([data.scope.server_id])  # INVALID_SESSION while we were fetching
            async for page in super().pages(after_id, before_id):
                yield page

    clock.advance(minutes=1)
    old = [message(clock, "before")]
    clock.advance(minutes=1)
    await catchup.catch_up(data.scope, [NewSessionMidway(GENERAL, old)], session=1)
    await rewards.submit(data.scope, message(clock, "live, after the gap"))
    assert await data.catchup.cursors() == {GENERAL: int(old[0].message_id)}


async def test_the_window_and_the_connection_bound_the_fetch(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    catchup = service(store, rewards, hours=2)
    clock.advance(hours=5)
    history = FakeHistory(GENERAL, [])
    await catchup.catch_up(data.scope, [history])
    after, before = history.asked[0]
    assert snowflake_time(after + 1) == clock.now() - timedelta(hours=2)
    assert snowflake_time(before) == clock.now() + timedelta(seconds=60)
    fresh = service(store, rewards, hours=24)
    history = FakeHistory(GENERAL, [])
    await fresh.catch_up(data.scope, [history])
    connected_at = (await data.server.config()).connected_at
    assert snowflake_time(history.asked[0][0] + 1) == connected_at


@pytest.mark.parametrize("hours", [-1, 169])
async def test_a_window_out_of_range_is_refused(store: Store, rewards, hours: float) -> None:
    with pytest.raises(ValueError, match="0 to 168 hours"):
        CatchupService(store, store.clock, rewards, timedelta(hours=hours))


async def test_a_late_message_is_decided_at_its_own_time(
    store: Store, data: ScopedData, rewards, clock: ManualClock
) -> None:
    """One batch holding yesterday's and today's greetings pays both, each stamped with its own moment."""
    yesterday = message(clock, "gm")  # posted at 12:00 on the 2nd ...
    clock.advance(hours=13)  # ... and applied at 01:00 on the 3rd, with today's greeting
    today = message(clock, "gm")
    live = message(clock, "gm", BOB)
    clock.advance(seconds=1)  # these two are within LATE_AFTER: live, decided (and stamped) now
    outcomes = await rewards.engine.apply([(data.scope, e) for e in (today, yesterday, live)])
    assert [len(o.paid) for o in outcomes] == [1, 1, 1]
    stamps = {r["idempotency_key"]: r["created_at"] for r in await tables(data).select("loyalteez_reward_ledger")}
    assert stamps[f"{yesterday.message_id}:gm_checkin"] == yesterday.created_at
    assert stamps[f"{today.message_id}:gm_checkin"] == stamps[f"{live.message_id}:gm_checkin"] == clock.now()
