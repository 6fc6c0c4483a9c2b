"""/stats on a big server (a slow read) is kept for a minute; a quick one is read live every time."""

from __future__ import annotations

from loyalteez.clock import ManualClock
from loyalteez.services.access.permissions import Caller
from loyalteez.services.admin_reads import KEEP_STATS
from loyalteez.services.container import build_services
from loyalteez.store import Store
from tests.conftest import linked
from tests.services.standings.test_board_cache import SlowClock, _pay


async def test_a_slow_stats_read_is_kept_for_a_while(store: Store, clock: ManualClock) -> None:
    scope = await linked(store, "brand_a", "101")
    clock.advance(hours=1)
    slow = SlowClock(clock.now())
    admin = build_services(store, slow).rewards.admin
    owner = Caller("1", "101", is_owner=True)
    await _pay(store, scope, "7", 30, clock.now(), 0)
    first = await admin.stats(scope, owner, "week", None)
    assert (first.payouts, first.ltz, first.members) == (1, 30, 1)

    await _pay(store, scope, "8", 20, clock.now(), 1)
    assert (await admin.stats(scope, owner, "week", None)).payouts == 1, "served from memory"
    assert (await admin.stats(scope, owner, "week", "users")).payouts == 2, "another breakdown is its own read"
    slow.tick(KEEP_STATS)
    again = await admin.stats(scope, owner, "week", None)
    assert (again.payouts, again.ltz, again.members) == (2, 50, 2)


async def test_a_quick_stats_read_is_live(store: Store, clock: ManualClock) -> None:
    scope = await linked(store, "brand_a", "101")
    clock.advance(hours=1)
    admin = build_services(store, clock).rewards.admin
    owner = Caller("1", "101", is_owner=True)
    await _pay(store, scope, "7", 30, clock.now(), 0)
    assert (await admin.stats(scope, owner, "day", None)).payouts == 1
    await _pay(store, scope, "8", 20, clock.now(), 1)
    assert (await admin.stats(scope, owner, "day", None)).payouts == 2
