"""KPI targets and their alerts on the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from loyalteez.services.analytics import targets
from loyalteez.store import ScopedData, Store
from tests.conftest import linked

MONDAY = date(2026, 3, 2)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_lower_is_better_targets_alert_above_target_over_threshold(data: ScopedData) -> None:
    await targets.set_target(data, "1", "churn_rate", "20%", "day", 80)  # alert above 0.2 / 0.8 = 0.25
    day = MONDAY
    series = {day: {"churn_rate": 0.25}}
    assert await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC)) == []
    series[day] = {"churn_rate": 0.26}
    [alert] = await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC))
    assert alert.alerting and "above its target 20.0 % ÷ 80 % = 25.0 %" in alert.text
    assert await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC)) == [], "no repeat"
    series[day] = {"churn_rate": None}
    assert await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC)) == [], "null: no change"
    series[day] = {"churn_rate": 0.1}
    [back] = await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC))
    assert not back.alerting and "back to **10.0 %**" in back.text
