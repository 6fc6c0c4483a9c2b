"""Batches decided without the rewards locks (PostgreSQL) pay exactly what locked ones pay: a payout or a
counted message that another process committed while the batch was being decided is seen, and the batch
is decided again holding the locks instead of paying past a cap or counting twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.rewards import RewardsEngine
from loyalteez.store import ScopedData, Store
from tests.conftest import pg_store_schema
from tests.services.rewards.helpers import ALICE, Messages, apply, connected, ledger, stats


class Meanwhile:
    """A streak source that, the first time the engine prices a payout (after its reads, before its
    writes), lets another process act: the moment an unlocked batch is exposed to."""

    def __init__(self) -> None:
        self.action: Callable[[], Awaitable[None]] | None = None

    async def multiplier(self, data: ScopedData, member_id: str, event_type: str, at: datetime | None = None) -> float:
        action, self.action = self.action, None
        if action is not None:
            await action()
        return 1.0


@pytest.fixture
async def stores(clock: ManualClock) -> AsyncIterator[tuple[Store, Store]]:
    """Two bot processes on one PostgreSQL database."""
    async with pg_store_schema() as url:
        first, second = await Store.open(url, clock), await Store.open(url, clock)
        try:
            yield first, second
        finally:
            await first.close()
            await second.close()


async def test_a_payout_committed_meanwhile_is_seen_and_the_daily_greeting_pays_once(
    stores: tuple[Store, Store],
) -> None:
    one, two = stores
    data = await connected(one)
    meanwhile = Meanwhile()
    engine, other = RewardsEngine(one, streaks=meanwhile), RewardsEngine(two)
    msg = Messages(one)
    await apply(engine, data, msg("hello there"))  # loads the config: the next batch goes unlocked
    assert engine.conflicts == 0

    async def other_process_greets() -> None:
        outcome = (await apply(other, two.scoped(data.scope), msg("gm everyone")))[0]
        assert len(outcome.paid) == 1

    meanwhile.action = other_process_greets
    outcome = (await apply(engine, data, msg("gm fam")))[0]
    assert engine.conflicts == 1  # its guard saw the other payout; decided again under the locks
    assert outcome.counted and not outcome.paid  # once a day: the other process's gm was first
    assert [r["event_type"] for r in await ledger(data, ALICE)] == ["gm_checkin"]
    assert (await stats(data, ALICE))["messages_count"] == 3


async def test_a_message_counted_meanwhile_by_another_process_counts_once(stores: tuple[Store, Store]) -> None:
    one, two = stores
    data = await connected(one)
    meanwhile = Meanwhile()
    engine, other = RewardsEngine(one, streaks=meanwhile), RewardsEngine(two)
    msg = Messages(one)
    await apply(engine, data, msg("hello there"))
    gm = msg("gm fam")

    async def other_process_counts_it() -> None:
        await apply(other, two.scoped(data.scope), gm)  # the same message, delivered to both processes

    meanwhile.action = other_process_counts_it
    outcome = (await apply(engine, data, gm))[0]
    assert engine.conflicts == 1
    assert not outcome.counted and not outcome.results
    assert (await stats(data, ALICE)) == {
        "messages_count": 2,
        "reactions_count": 0,
        "voice_minutes": 0,
        "ltz_earned": 25,
    }
    assert len(await ledger(data, ALICE)) == 1


async def test_unlocked_batches_need_no_round_trip_but_their_write_when_nothing_pays(
    stores: tuple[Store, Store],
) -> None:
    one, _ = stores
    data = await connected(one)
    engine, msg = RewardsEngine(one), Messages(one)
    await apply(engine, data, msg("hello there"))
    before = one.db.round_trips  # type: ignore[attr-defined]
    await apply(engine, data, *(msg(f"chatting away, message {n}", author=ALICE) for n in range(20)))
    assert one.db.round_trips - before == 1  # type: ignore[attr-defined]
    assert (await stats(data, ALICE))["messages_count"] == 21
