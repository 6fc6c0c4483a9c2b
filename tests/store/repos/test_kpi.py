"""The KPI repository: snapshots written once, targets and their alert states (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from loyalteez.store import ScopedData, Store
from loyalteez.store.repos.kpi import KpiTarget, Snapshot
from tests.conftest import linked

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 3, 0, 1, tzinfo=UTC)
ID1, ID2, ID3 = (f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_snapshots_are_written_once_and_read_back_typed(data: ScopedData) -> None:
    assert await data.kpi.last_snapshot("daily") is None
    assert await data.kpi.write_snapshot(ID1, DAY, "daily", {"daily_active_users": 3})
    assert not await data.kpi.write_snapshot(ID2, DAY, "daily", {"daily_active_users": 9}), "never twice"
    assert await data.kpi.write_snapshot(ID3, date(2026, 3, 8), "weekly", {"daily_active_users": 1})
    assert await data.kpi.last_snapshot("daily") == DAY
    assert await data.kpi.snapshots("daily") == [Snapshot(DAY, "daily", {"daily_active_users": 3})]
    assert [s.snapshot_type for s in await data.kpi.snapshots(None, date(2026, 3, 3))] == ["weekly"]
    assert await data.kpi.snapshot_keys(DAY, date(2026, 3, 8)) == {(DAY, "daily"), (date(2026, 3, 8), "weekly")}
    assert await data.kpi.daily_metrics(DAY, DAY) == {DAY: {"daily_active_users": 3}}


async def test_targets_and_alert_states(data: ScopedData) -> None:
    assert await data.kpi.target("churn_rate") is None and await data.kpi.target_snapshot("churn_rate") is None
    await data.kpi.save_target(ID1, "churn_rate", 0.1, "month", 90)
    await data.kpi.save_target(ID2, "daily_active_users", 25, "week", 80)
    assert await data.kpi.target("churn_rate") == KpiTarget("churn_rate", 0.1, "month", 90.0, True)
    assert (await data.kpi.target_snapshot("churn_rate") or {})["id"] == ID1
    await data.kpi.set_alert_state("churn_rate", True, 0.5, DAY, AT)
    states = await data.kpi.alert_states()
    assert states["churn_rate"].alerting and states["churn_rate"].last_value == 0.5
    assert states["churn_rate"].checked_on == DAY

    await data.kpi.set_target_active("churn_rate", False)
    assert [t.metric for t in await data.kpi.targets(active_only=True)] == ["daily_active_users"]
    await data.kpi.save_target(ID1, "churn_rate", 0.2, "week", 80)
    assert (await data.kpi.target("churn_rate") or KpiTarget("", 0, "", 0, False)).is_active
    assert "churn_rate" not in await data.kpi.alert_states(), "a new target starts with a clean slate"

    await data.kpi.set_alert_state("daily_active_users", True, 3, DAY, AT)
    await data.kpi.remove_target("daily_active_users")
    assert [t.metric for t in await data.kpi.targets()] == ["churn_rate"]
    assert await data.kpi.alert_states() == {}
