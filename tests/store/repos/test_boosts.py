"""The boosts repository on both engines: a notice is remembered once, per server."""

from __future__ import annotations

from loyalteez.store import Store
from tests.conftest import linked

ALICE, BOB = "800000000000000001", "800000000000000002"


async def test_a_boost_notice_is_recorded_once(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    assert await data.boosts.record("501", ALICE, 1, 0, False)
    assert not await data.boosts.record("501", ALICE, 1, 0, False), "a redelivered notice"
    assert await data.boosts.record("1000", ALICE, 2, 1, True)
    assert await data.boosts.record("502", BOB, 1, 0, False)
    assert sorted(await data.boosts.event_ids_of(ALICE)) == ["1000", "501"]
    other = store.scoped(await linked(store, "brand_a", "1002"))
    assert await other.boosts.event_ids_of(ALICE) == []
