"""The segments repository: counts and pages, values typed per segment (days, moments, numbers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loyalteez.store import ScopedData, Store
from loyalteez.store.repos.segments import SegmentMember
from tests.conftest import linked

TODAY = date(2026, 4, 20)
NOW = datetime(2026, 4, 20, 12, tzinfo=UTC)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_segment_values_are_typed(data: ScopedData) -> None:
    for back in (4, 3, 2, 1, 0):  # oldest first, as the engine writes them
        day = TODAY - timedelta(days=back)
        await data.analytics.record(day, NOW - timedelta(days=back), {"reg": [1, 0, 10, 1, 0, 0, 0]})
    old = TODAY - timedelta(days=10)
    await data.analytics.record(old, NOW - timedelta(days=10), {"gone": [1, 0, 0, 0, 0, 0, 0]})
    assert await data.segments.count("power_users", TODAY, NOW) == 1
    assert await data.segments.page("power_users", TODAY, NOW, 10, 0) == [SegmentMember("reg", 5)]
    assert await data.segments.page("voice_regulars", TODAY, NOW, 10, 0) == [SegmentMember("reg", 5)]
    assert await data.segments.page("at_risk", TODAY, NOW, 10, 0) == [SegmentMember("gone", old)]
    new = await data.segments.page("new", TODAY, NOW, 10, 0)
    assert [m.member_id for m in new] == ["reg"] and new[0].value == NOW - timedelta(days=4)
    assert await data.segments.count("dormant", TODAY, NOW) == 0
    with pytest.raises(ValueError, match="unknown segment"):
        await data.segments.count("vips", TODAY, NOW)
