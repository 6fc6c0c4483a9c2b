"""The analytics repository's reads not covered by the KPI tests: cohort, period totals, check-in state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loyalteez.store import ScopedData, Store
from loyalteez.store.repos.analytics import CheckinFacts
from loyalteez.store.repos.analytics_kpis import CohortMember, PeriodTotals
from tests.conftest import linked

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_cohort_and_period(data: ScopedData) -> None:
    await data.analytics.record(DAY, AT, {"ann": [2, 0, 0, 0, 0, 1, 10], "bob": [1, 0, 0, 0, 0, 0, 0]})
    joined = AT - timedelta(hours=2)
    await data.analytics.record_join("ann", joined)
    cohort = sorted(
        await data.analytics.cohort(AT - timedelta(days=1), AT + timedelta(days=1)), key=lambda m: m.member_id
    )
    assert cohort == [CohortMember("ann", joined, AT), CohortMember("bob", AT, None)]
    assert await data.analytics.period(DAY, DAY) == PeriodTotals(1, 2, 10, 1)
    assert await data.analytics.period(DAY + timedelta(days=1), DAY + timedelta(days=1)) == PeriodTotals(0, 0, 0, 0)


async def test_checkin_state_follows_set_streaks(data: ScopedData) -> None:
    await data.analytics.record(DAY, AT, {"ann": [0, 0, 0, 0, 1, 1, 5]})
    assert await data.analytics.checkin_state(["ann"]) == {"ann": (None, 0)}
    await data.analytics.set_streaks(DAY, [("ann", AT, 4)])
    assert await data.analytics.checkin_state(["ann"]) == {"ann": (AT, 4)}
    assert await data.analytics.checkin_state([]) == {}
    assert await data.analytics.checkin_facts(DAY, ["ann"]) == {"ann": CheckinFacts(None, AT, 4, None)}
