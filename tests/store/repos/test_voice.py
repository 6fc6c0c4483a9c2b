"""The voice repository on both engines: a session's life, counters that only grow, typed rows."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from loyalteez.ids import new_id
from loyalteez.store import Store
from loyalteez.store.repos.voice import Progress, Session
from tests.conftest import linked

ALICE, BOB = "800000000000000001", "800000000000000002"
LOUNGE, STUDIO = "710000000000000001", "710000000000000002"


async def test_a_session_starts_settles_and_ends(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    start = store.clock.now()
    alice, bob = new_id(), new_id()
    await data.voice.start(alice, ALICE, LOUNGE, start, True)
    await data.voice.start(bob, BOB, LOUNGE, start, False)
    assert await data.voice.open_session_of(ALICE) == Session(
        alice, ALICE, LOUNGE, start, start, start, True, 0, None, None
    )
    assert {s.member_id for s in await data.voice.open_sessions()} == {ALICE, BOB}

    later = start + timedelta(minutes=5)
    await data.voice.settle(alice, 300, later, False, STUDIO)
    settled = await data.voice.open_session_of(ALICE)
    assert settled is not None
    assert (settled.counted_seconds, settled.accrued_at, settled.last_seen_at) == (300, later, later)
    assert (settled.counting, settled.channel_id) == (False, STUDIO)

    beat = later + timedelta(minutes=1)
    assert await data.voice.heartbeat(beat) == 2
    assert all(s.last_seen_at == beat for s in await data.voice.open_sessions())

    end = beat + timedelta(minutes=1)
    await data.voice.end(alice, 300, end, end, 5)
    assert await data.voice.open_session_of(ALICE) is None
    assert [s.member_id for s in await data.voice.open_sessions()] == [BOB]
    [ended] = [s for s in await data.voice.sessions() if s.member_id == ALICE]
    assert (ended.ended_at, ended.minutes, ended.counting) == (end, 5, False)


async def test_progress_counters_add_up_under_concurrency(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    assert await data.voice.progress_of(ALICE) is None
    totals = await asyncio.gather(*(data.voice.add_seconds(ALICE, 30) for _ in range(10)))
    assert sorted(totals) == [30 * n for n in range(1, 11)]
    assert await data.voice.add_claimed(ALICE, 5) == 5
    assert await data.voice.progress_of(ALICE) == Progress(300, 5)
    other = store.scoped(await linked(store, "brand_a", "1002"))
    assert await other.voice.progress_of(ALICE) is None
