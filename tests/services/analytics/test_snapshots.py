"""KPI snapshots on the store (SQLite and PostgreSQL): each missing period written once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loyalteez.services.analytics import snapshots
from loyalteez.store import ScopedData, Store
from tests.conftest import linked
from tests.services.analytics.test_metrics import roll
from tests.store.raw import tables

MONDAY = date(2026, 3, 2)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_catch_up_writes_each_missing_period_once(data: ScopedData) -> None:
    await roll(data, MONDAY, "ann", rewards=1, ltz=25)
    written = await snapshots.catch_up(data, MONDAY + timedelta(days=7), MONDAY, 24)
    assert [(w.day.isoformat(), w.kind) for w in written] == [
        *((f"2026-03-0{d}", "daily") for d in range(2, 9)),
        ("2026-03-08", "weekly"),
    ]
    assert await snapshots.catch_up(data, MONDAY + timedelta(days=7), MONDAY, 24) == [], "idempotent"
    assert written[-1].metrics["period"] == {
        "start": "2026-03-02",
        "end": "2026-03-08",
        "active_members": 1,
        "active_any": 1,
        "ltz_paid": 25,
        "payouts": 1,
    }
    month_end = await snapshots.catch_up(data, date(2026, 4, 1), MONDAY, 24)
    assert ("2026-03-31", "monthly") in [(w.day.isoformat(), w.kind) for w in month_end]
    assert await tables(data).count("discord_kpi_snapshots", {"snapshot_type": "daily"}) == 30


async def test_catch_up_never_goes_before_the_connection_nor_too_far_back(data: ScopedData) -> None:
    assert await snapshots.catch_up(data, MONDAY, MONDAY, 24) == [], "the connection day has not ended"
    far = await snapshots.catch_up(data, MONDAY + timedelta(days=400), None, 24)
    assert len([w for w in far if w.kind == "daily"]) == snapshots.MAX_CATCH_UP_DAYS
