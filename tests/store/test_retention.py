"""Seed retention: disconnecting drops user stats and streaks; audit, snapshots and claims stay forever."""

from __future__ import annotations

from loyalteez.store import Scope, Store
from loyalteez.store.repos.server import CLEARED_ON_HANDOVER
from tests.conftest import linked
from tests.store.raw import tables
from tests.store.sample_rows import sample_rows

KEPT_FOREVER = ("discord_audit_log", "discord_kpi_snapshots", "discord_drop_claims", "loyalteez_reward_ledger")


async def fill(store: Store, scope: Scope) -> None:
    data = store.scoped(scope)
    for table, row in sample_rows(scope, 0):
        await tables(data).insert(table, row)


async def test_disconnect_removes_stats_and_streaks_and_keeps_history(store: Store) -> None:
    gone, other = await linked(store, "brand_a", "101"), await linked(store, "brand_a", "102")
    await fill(store, gone)
    await fill(store, other)
    data = store.scoped(gone)

    removed = await data.server.unlink()

    assert removed == {"discord_user_stats": 1, "discord_user_streaks": 1}
    assert await tables(data).count("discord_user_stats") == 0
    assert await tables(data).count("discord_user_streaks") == 0
    for table in KEPT_FOREVER:
        assert await tables(data).count(table) == 1, f"{table} must be kept after disconnect"
    assert (await store.server_link("101"))["is_active"] is False
    # The other server of the same brand is untouched.
    assert await tables(store.scoped(other)).count("discord_user_stats") == 1
    assert (await store.server_link("102"))["is_active"] is True


async def test_reconnecting_starts_fresh_stats(store: Store) -> None:
    scope = await linked(store, "brand_a", "101")
    await fill(store, scope)
    data = store.scoped(scope)
    await data.server.unlink()
    await data.server.link("Back again")
    assert (await store.server_link("101"))["is_active"] is True
    assert await tables(data).count("discord_user_stats") == 0
    assert await tables(data).count("discord_audit_log") == 1


async def test_a_disconnected_server_can_move_to_another_brand_without_seeing_old_history(store: Store) -> None:
    old = await linked(store, "brand_a", "101")
    await fill(store, old)
    await store.scoped(old).server.unlink()
    new = await linked(store, "brand_b", "101")
    data = store.scoped(new)
    assert (await store.server_link("101"))["brand_id"] == "brand_b"
    for table in KEPT_FOREVER:
        assert await tables(data).count(table) == 0, f"brand_b must not see brand_a's {table}"
        assert await tables(store.scoped(old)).count(table) == 1, f"brand_a keeps its {table}"


async def test_connecting_again_keeps_the_ledger_window(store: Store, clock) -> None:
    scope = await linked(store, "brand_a", "101")
    first = (await store.server_link("101"))["connected_at"]
    clock.advance(hours=5)
    await store.scoped(scope).server.link("Renamed")
    link = await store.server_link("101")
    assert link["connected_at"] == first and link["server_name"] == "Renamed"


async def test_a_handover_clears_the_previous_brands_settings_and_keeps_its_history(store: Store) -> None:
    old = await linked(store, "brand_a", "101")
    await fill(store, old)
    await store.scoped(old).server.unlink()
    new = await linked(store, "brand_b", "101")

    changed = await store.scoped(new).server.clear_previous_brand("brand_a")

    before = tables(store.scoped(old))
    for table in CLEARED_ON_HANDOVER:
        assert changed[table] == 1 and await before.count(table) == 0, f"brand_a's {table} is cleared"
    assert await before.count("discord_drops", {"ended_at": None}) == 0, "its live drops end"
    assert await before.count("loyalteez_perks", {"is_active": True}) == 0, "its perks are withdrawn"
    for table in (*KEPT_FOREVER, "discord_drops", "loyalteez_perks", "loyalteez_perk_purchases"):
        assert await before.count(table) == 1, f"brand_a keeps its {table}"
    assert await store.scoped(old).server.clear_previous_brand("brand_a") == {}, "the same brand clears nothing"
