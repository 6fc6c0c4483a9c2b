"""Voice sessions as a service, on SQLite and PostgreSQL: exact minutes, restarts, claims that never pay twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalteez.clock import ManualClock
from loyalteez.services.rewards import Paid, Rewards
from loyalteez.services.voice.service import Reason, VoicePresence, VoiceService, reasons
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ALICE, BOB, CAROL, connected, ledger, member, stats
from tests.store.raw import tables

LOUNGE, STUDIO, AFK = "710000000000000001", "710000000000000002", "710000000000000009"


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
def rewards(store: Store) -> Rewards:
    return Rewards(store)


@pytest.fixture
def voice(store: Store, rewards: Rewards) -> VoiceService:
    return VoiceService(store, store.clock, rewards)


def here(*who: tuple[str, str], deaf: tuple[str, ...] = (), bots: tuple[str, ...] = ()) -> list[VoicePresence]:
    return [VoicePresence(m, c, m in deaf, m in bots) for m, c in who]


def test_who_counts() -> None:
    found = reasons(
        here(
            (ALICE, LOUNGE),
            (BOB, LOUNGE),
            (CAROL, STUDIO),
            ("bot", STUDIO),
            ("zed", AFK),
            ("yan", AFK),
            deaf=(BOB,),
            bots=("bot",),
        ),
        AFK,
        lambda c: False,
    )
    assert found == {
        ALICE: Reason.COUNTING,
        BOB: Reason.DEAFENED,
        CAROL: Reason.ALONE,
        "zed": Reason.AFK,
        "yan": Reason.AFK,
    }
    assert reasons(here((ALICE, LOUNGE), (BOB, LOUNGE)), AFK, lambda c: c == LOUNGE)[ALICE] is Reason.EXCLUDED


@settings(max_examples=15, deadline=None)
@given(stays=st.lists(st.integers(1, 7_200), min_size=1, max_size=6))
def test_minutes_credited_always_add_up_to_the_whole_minutes_counted(tmp_path_factory, stays: list[int]) -> None:
    """However sessions split seconds, stats hold floor(total counted seconds / 60): nothing lost, nothing twice."""

    async def run() -> None:
        clock = ManualClock()
        store = await Store.open(str(tmp_path_factory.mktemp("voice") / "v.db"), clock)
        try:
            data = await connected(store)
            voice = VoiceService(store, clock, Rewards(store, clock))
            for seconds in stays:
                await voice.sync(data.scope, here((ALICE, LOUNGE), (BOB, LOUNGE)), AFK)
                clock.advance(seconds=seconds)
                await voice.sync(data.scope, [], AFK)
            assert (await stats(data, ALICE))["voice_minutes"] == sum(stays) // 60
        finally:
            await store.close()

    asyncio.run(run())


async def test_a_new_process_resumes_open_sessions_without_the_unseen_gap(
    store: Store, data: ScopedData, voice: VoiceService, rewards: Rewards
) -> None:
    clock: ManualClock = store.clock  # type: ignore[assignment]
    pair = here((ALICE, LOUNGE), (BOB, LOUNGE))
    await voice.sync(data.scope, pair, AFK)
    clock.advance(minutes=10)
    await voice.heartbeat()
    clock.advance(minutes=3)  # counted by nobody: the process dies here without a heartbeat
    clock.advance(minutes=30)  # down
    restarted = VoiceService(store, clock, rewards)
    await restarted.sync(data.scope, here((ALICE, LOUNGE)), AFK)  # alice still there (alone), bob gone
    assert (await stats(data, BOB))["voice_minutes"] == 10, "closed at the last heartbeat"
    assert (await restarted.progress(data.scope, ALICE)).total_minutes == 10
    await restarted.sync(data.scope, pair, AFK)  # bob is back: a new session for him, both count again
    clock.advance(minutes=5)
    await restarted.sync(data.scope, [], AFK)
    assert (await stats(data, ALICE))["voice_minutes"] == 15 and (await stats(data, BOB))["voice_minutes"] == 15
    assert await tables(data).count("loyalteez_voice_sessions", {"discord_user_id": ALICE}) == 1


async def test_simultaneous_claims_pay_each_unit_once(store: Store, data: ScopedData, voice: VoiceService) -> None:
    from loyalteez.services.rewards import admin_events

    await admin_events.edit_event(data, "1", "voice_activity", admin_events.EventOptions(max_per_day=-1))
    clock: ManualClock = store.clock  # type: ignore[assignment]
    await voice.sync(data.scope, here((ALICE, LOUNGE), (BOB, LOUNGE)), AFK)
    clock.advance(minutes=95)
    results = await asyncio.gather(*(voice.claim(data.scope, member(ALICE)) for _ in range(5)))
    paid = [o for outcomes, _ in results for o in outcomes if isinstance(o, Paid)]
    assert len(paid) == 3, "95 minutes: three payouts of 30, each once"
    rows = await ledger(data, ALICE)
    assert sorted(r["idempotency_key"].rsplit(":", 1)[1] for r in rows) == ["0", "30", "60"]
    progress = await voice.progress(data.scope, ALICE)
    assert (progress.claimed_minutes, progress.toward_next, progress.ready) == (90, 5, 0)
    clock.advance(timedelta(minutes=25))
    assert (await voice.progress(data.scope, ALICE)).ready == 1, "the session in progress keeps counting"
