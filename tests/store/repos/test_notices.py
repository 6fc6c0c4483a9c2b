"""Notices: pending until marked sent, pruned once sent long enough ago."""

from __future__ import annotations

from datetime import timedelta

from loyalteez.store import Store
from tests.conftest import linked


async def test_pending_mark_sent_and_prune(store: Store, clock) -> None:
    data = store.scoped(await linked(store, "brand_a", "101"))
    await data.notices.add("00000000-0000-0000-0000-000000000001", "goal", None, "g1", {"name": "Goal"})
    clock.advance(seconds=1)
    await data.notices.add("00000000-0000-0000-0000-000000000002", "goal", "7", "g2", {})
    await data.notices.add("00000000-0000-0000-0000-000000000003", "achievement", "7", "a1", {})

    pending = await data.notices.pending("goal", 10)
    assert [(n.subject_id, n.member_id, n.details) for n in pending] == [
        ("g1", None, {"name": "Goal"}),
        ("g2", "7", {}),
    ]

    now = clock.now()
    await data.notices.mark_sent([pending[0].notice_id], now)
    assert [n.subject_id for n in await data.notices.pending("goal", 10)] == ["g2"]
    assert await data.notices.prune(now) == 0
    assert await data.notices.prune(now + timedelta(seconds=1)) == 1
