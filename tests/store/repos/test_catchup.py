"""Catch-up cursors only move forward, per channel and per server."""

from __future__ import annotations

from loyalteez.store import Store
from tests.conftest import linked


async def test_cursors_move_forward_only_and_stay_in_their_server(store: Store) -> None:
    mine = store.scoped(await linked(store, "brand_a", "101"))
    other = store.scoped(await linked(store, "brand_a", "102"))
    assert await mine.catchup.cursors() == {}
    await mine.catchup.advance({"1": 50, "2": 7})
    await mine.catchup.advance({"1": 40})
    await mine.catchup.advance({})
    assert await mine.catchup.cursors() == {"1": 50, "2": 7}
    assert await other.catchup.cursors() == {}
