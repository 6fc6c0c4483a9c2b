"""`check_ledger`: ltz_earned must equal what the ledger says was paid since the server connected."""

from __future__ import annotations

import pytest

from loyalteez.services.rewards import RewardsEngine, check_ledger
from loyalteez.services.rewards import admin_server as server
from loyalteez.services.rewards.texts import ledger_report
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, TESTER, Messages, apply, connected
from tests.store.raw import tables


@pytest.fixture
async def data(store: Store) -> ScopedData:
    data = await connected(store)
    msg = Messages(store)
    await apply(RewardsEngine(store), data, msg("gm", ALICE), msg("gn", ALICE), msg("gm", BOB))
    return data


async def test_a_consistent_ledger_reports_no_drift(store: Store, data: ScopedData):
    report = await check_ledger(store)
    assert report.ok and (report.servers, report.members) == (1, 2)
    assert ledger_report(report)[-1] == "ledger and stats agree"


async def test_injected_drift_is_found_and_named(store: Store, data: ScopedData):
    await tables(data).update("discord_user_stats", {"discord_user_id": ALICE}, {"ltz_earned": 50})
    report = await check_ledger(store)
    assert not report.ok
    [drift] = report.drifts
    assert (drift.member_id, drift.ledger, drift.stats, drift.difference) == (ALICE, 40, 50, 10)
    assert any("member " + ALICE in line and "+10" in line for line in ledger_report(report))


async def test_a_member_with_stats_but_no_ledger_rows_is_drift(store: Store, data: ScopedData):
    await tables(data).insert("discord_user_stats", {"discord_user_id": "800000000000000777", "ltz_earned": 5})
    report = await check_ledger(store)
    assert [(d.member_id, d.ledger, d.stats) for d in report.drifts] == [("800000000000000777", 0, 5)]


async def test_payouts_before_a_reconnect_and_test_payouts_are_not_counted(store: Store, data: ScopedData):
    await data.server.unlink()  # disconnect wipes stats; the ledger stays
    store.clock.advance(days=1)
    await data.server.link("Again")
    await server.enable_test_mode(data, ADMIN, TESTER)
    await apply(RewardsEngine(store), data, Messages(store)("gm", BOB, roles=[TESTER]))
    report = await check_ledger(store)
    assert report.ok, report.drifts
