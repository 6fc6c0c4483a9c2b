"""A KPI is defined once, in the registry: registered here, it is snapshotted, reported by /kpi and exported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.access.permissions import Caller
from loyalteez.services.analytics import input, snapshots
from loyalteez.services.analytics.metrics import KPIS, DayFigures, Kpi, mean
from loyalteez.services.analytics.service import Analytics
from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, Store
from tests.conftest import linked
from tests.services.analytics.test_metrics import roll

MONDAY = date(2026, 3, 2)  # the clock fixture's day: the server is connected on it


def ltz_per_payout(f: DayFigures) -> float | None:
    return mean(f.window.ltz_today, f.window.rewards_today)


LTZ_PER_PAYOUT = Kpi("ltz_per_payout", "number", "LTZ per payout", ltz_per_payout)
PAYOUTS = Kpi("payouts_today", "count", "Payouts of the day", lambda f: f.window.rewards_today, targetable=True)


@pytest.fixture
def registered() -> Iterator[None]:
    KPIS.register(LTZ_PER_PAYOUT)
    KPIS.register(PAYOUTS)
    try:
        yield
    finally:
        KPIS.unregister(LTZ_PER_PAYOUT.name)
        KPIS.unregister(PAYOUTS.name)


@pytest.fixture
async def scope(store: Store) -> Scope:
    return await linked(store, "brand_a", "1001")


OWNER = Caller("9", "1001", is_owner=True)


async def test_a_registered_kpi_is_snapshotted_and_reported(
    registered: None, store: Store, scope: Scope, clock: ManualClock
) -> None:
    data = store.scoped(scope)
    await roll(data, MONDAY, "ann", rewards=2, ltz=30)
    await roll(data, MONDAY, "bob", rewards=1, ltz=15)

    written = await snapshots.catch_up(data, MONDAY + timedelta(days=1), MONDAY, 24)
    assert written[0].metrics["ltz_per_payout"] == 15.0 and written[0].metrics["payouts_today"] == 3
    assert written[0].metrics["daily_active_users"] == 2, "the existing KPIs are unchanged"
    assert (await data.kpi.daily_metrics(MONDAY, MONDAY))[MONDAY]["ltz_per_payout"] == 15.0

    clock.advance(days=1)
    analytics = Analytics(store, clock)
    fields = dict(await analytics.kpi_report(scope, OWNER))
    assert list(fields)[-2:] == ["LTZ per payout (`ltz_per_payout`)", "Payouts of the day (`payouts_today`)"]
    assert fields["LTZ per payout (`ltz_per_payout`)"].startswith("today so far **n/a** · 7-day average 15 → n/a")
    payouts = fields["Payouts of the day (`payouts_today`)"]
    assert payouts.startswith("today so far **0** · 7-day average 3 → n/a\n`")

    _, csv = await analytics.export(scope, OWNER, "csv", None)
    header, row = csv.decode().splitlines()[:2]
    assert header.endswith(",ltz_per_payout,payouts_today") and row.endswith(",15.0,3")


async def test_only_targetable_kpis_take_targets(registered: None, store: Store, scope: Scope) -> None:
    """Storing a target for a new targetable KPI also needs its name in the targets table's CHECK (a migration)."""
    analytics = Analytics(store, store.clock)
    with pytest.raises(ValidationError, match="not a KPI with targets"):
        await analytics.set_target(scope, OWNER, "ltz_per_payout", "10", None, None)
    assert input.check_metric("payouts_today") == "payouts_today"
    assert "payouts_today" in KPIS.targetable() and "ltz_per_payout" not in KPIS.targetable()


def test_a_kpi_name_is_registered_once(registered: None) -> None:
    with pytest.raises(ValueError, match="already registered"):
        KPIS.register(Kpi("churn_rate", "ratio", "Churn again", lambda f: None))
