"""Member segments on the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loyalteez.clock import start_of_day
from loyalteez.services.analytics import segments
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData, Store
from tests.conftest import linked
from tests.services.analytics.test_metrics import roll

MONDAY = date(2026, 3, 2)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_segments(data: ScopedData) -> None:
    today = MONDAY + timedelta(days=40)
    now = start_of_day(today) + timedelta(hours=12)
    for n in range(21):  # 21 earners: ceil(2.1) = 3 whales
        await roll(data, today - timedelta(days=n), f"m{n:02d}", rewards=1, ltz=100 + n)
    for back in range(5):  # active 5 of the last 7 days, with a voice session each day
        await roll(data, today - timedelta(days=back), "regular", messages=1, voice=30, sessions=1)
    counts = await segments.counts(data, now)
    # new: first seen less than 7 days ago, m00-m06 and the regular (m07: exactly 7 days, no longer new);
    # m07-m20 last active 7-20 days ago are at risk, nobody dormant (all active within 30 days)
    assert counts == {"whales": 3, "power_users": 1, "new": 8, "at_risk": 14, "dormant": 0, "voice_regulars": 1}
    page = await segments.page(data, "whales", 1, now)
    assert page.rows == [("m20", 120), ("m19", 119), ("m18", 118)]
    assert (page.page, page.pages, page.total) == (1, 1, 3)
    at_risk = await segments.page(data, "at_risk", 9, now)  # past the end: the last page
    assert (at_risk.page, at_risk.pages, at_risk.total, len(at_risk.rows)) == (2, 2, 14, 4)
    assert (await segments.page(data, "dormant", 3, now)).rows == [] and (
        await segments.page(data, "dormant", 3, now)
    ).pages == 1
    await roll(data, today - timedelta(days=45), "ghost", messages=1)
    assert (await segments.counts(data, now))["dormant"] == 1
    with pytest.raises(ValidationError, match="choose one of"):
        await segments.page(data, "vips", 1, now)
