"""Where the database is decides how reward writes take their locks: a nearby one keeps the rewards locks
while a batch is decided (cheapest there), a distant one decides first and writes behind a guard (no lock
held across the network); the URL can say which."""

from __future__ import annotations

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import DatabaseError, Store
from loyalteez.testing.latency_proxy import LatencyProxy
from tests.conftest import pg_schema, with_query

pytestmark = pytest.mark.postgres


async def optimistic(url: str) -> bool:
    store = await Store.open(url, ManualClock())
    try:
        return store.optimistic_writes
    finally:
        await store.close()


async def test_a_nearby_database_keeps_the_locks_and_a_distant_one_writes_behind_a_guard() -> None:
    async with pg_schema() as url, LatencyProxy.in_front_of(url, one_way=0.005) as proxy:
        assert not await optimistic(url)
        assert await optimistic(proxy.url(url))  # 10 ms away
        assert await optimistic(with_query(url, optimistic_writes="on"))
        assert not await optimistic(with_query(proxy.url(url), optimistic_writes="off"))


async def test_a_wrong_choice_in_the_url_is_one_sentence() -> None:
    async with pg_schema() as url:
        with pytest.raises(DatabaseError, match="optimistic_writes must be one of auto, on, off, not 'maybe'"):
            await Store.open(with_query(url, optimistic_writes="maybe"), ManualClock())
