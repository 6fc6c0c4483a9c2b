"""Pages take turns with the rewards writer: a slot rests after a page only while members' events are queued."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from loyalteez.clock import ManualClock
from loyalteez.web.turns import Turns


async def _page(turns: Turns, clock: ManualClock, took: float) -> None:
    async with turns.turn():
        clock.tick(took)


async def _started_at_once(turns: Turns, clock: ManualClock) -> bool:
    page = asyncio.create_task(_page(turns, clock, 0.01))
    for _ in range(3):
        await asyncio.sleep(0)
    started = page.done()
    await asyncio.wait_for(page, 2)
    return started


async def test_a_page_waits_for_the_slots_rest_only_while_the_writer_is_busy() -> None:
    clock = ManualClock(datetime(2026, 1, 5, tzinfo=UTC))
    queued = [True]
    turns = Turns(clock, lambda: queued[0], slots=1, rest=4.0)

    await _page(turns, clock, 0.02)  # a 20 ms page while events are queued: its slot rests 80 ms
    assert not await _started_at_once(turns, clock), "the next page waits while the bot catches up"

    queued[0] = False
    await _page(turns, clock, 0.02)
    assert await _started_at_once(turns, clock), "nothing queued: the next page goes at once"


async def test_a_failing_page_gives_its_slot_back() -> None:
    clock = ManualClock(datetime(2026, 1, 5, tzinfo=UTC))
    turns = Turns(clock, lambda: False, slots=1)
    try:
        async with turns.turn():
            raise RuntimeError("the page broke")
    except RuntimeError:
        pass
    assert await _started_at_once(turns, clock)


async def test_while_the_writer_is_busy_one_page_runs_at_a_time() -> None:
    clock = ManualClock(datetime(2026, 1, 5, tzinfo=UTC))
    queued = [True]
    turns = Turns(clock, lambda: queued[0], slots=2, busy_slots=1, rest=0.0)
    first_in, first_out = asyncio.Event(), asyncio.Event()

    async def long_page() -> None:
        async with turns.turn():
            first_in.set()
            await first_out.wait()

    first = asyncio.create_task(long_page())
    await first_in.wait()
    assert not await _started_within(turns, clock, first_out), "busy: the second page waits for the first"
    await first

    queued[0] = False
    first_in.clear()
    first_out.clear()
    first = asyncio.create_task(long_page())
    await first_in.wait()
    assert await _started_within(turns, clock, first_out), "idle: two pages at once"
    await first


async def _started_within(turns: Turns, clock: ManualClock, done: asyncio.Event) -> bool:
    """Whether a page starts while another holds its turn (which then ends, so both finish)."""
    page = asyncio.create_task(_page(turns, clock, 0.0))
    for _ in range(3):
        await asyncio.sleep(0)
    started = page.done()
    done.set()
    await asyncio.wait_for(page, 2)
    return started
