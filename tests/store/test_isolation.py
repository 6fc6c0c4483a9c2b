"""RLS emulation: two brands with two servers each; every scope sees and changes only its own rows."""

from __future__ import annotations

from collections import Counter

import pytest

from loyalteez.store import Scope, ScopeViolation, Store
from loyalteez.store._tables import APPEND_ONLY_TABLES
from tests.conftest import REPORT, linked
from tests.store.raw import tables
from tests.store.sample_rows import MUTABLE, sample_rows, uid

SCOPES = [Scope("brand_a", "101"), Scope("brand_a", "102"), Scope("brand_b", "201"), Scope("brand_b", "202")]


async def filled(store: Store) -> None:
    for scope in SCOPES:
        await linked(store, scope.brand_id, scope.server_id)
        data = store.scoped(scope)
        for n in (0, 1):
            for table, row in sample_rows(scope, n):
                await tables(data).insert(table, row)
    # A brand-wide rule (server_id NULL) per brand, written at operator level.
    for brand in ("brand_a", "brand_b"):
        await store.db.execute(
            "INSERT INTO monitoring_rules (id, brand_id, event_type, reward_amount, created_at, updated_at) "
            "VALUES (?, ?, 'brand_event', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            [uid(f"brandwide-{brand}"), brand],
        )


async def owners(store: Store, table: str) -> Counter[tuple[str | None, str | None]]:
    rows = await store.db.fetch_all(f"SELECT brand_id, server_id FROM {table}")
    return Counter((r["brand_id"], r["server_id"]) for r in rows)


async def test_fixture_covers_every_tenant_table(store: Store) -> None:
    tables = {t for t, _ in sample_rows(SCOPES[0], 0)} | {"discord_server_configs"}
    assert tables == set(store.catalog.tenant_tables()), "add new tenant tables to tests/store/sample_rows.py"


async def test_reads_and_counts_see_only_the_scope(store: Store) -> None:
    await filled(store)
    checked = 0
    for scope in SCOPES:
        data = store.scoped(scope)
        for table in store.catalog.tenant_tables():
            rows = await tables(data).select(table)
            assert rows, f"{scope} sees nothing in {table}"
            for row in rows:
                assert row["brand_id"] == scope.brand_id, f"{scope} read another brand's row in {table}"
                if table == "monitoring_rules" and row["server_id"] is None:
                    continue  # the brand's own brand-wide rule
                assert row["server_id"] == scope.server_id, f"{scope} read another server's row in {table}"
            assert await tables(data).count(table) == len(rows)
            checked += 1
    REPORT["tenant isolation"] = f"{len(store.catalog.tenant_tables())} tenant tables x {len(SCOPES)} scopes"
    assert checked == len(SCOPES) * len(store.catalog.tenant_tables())


async def test_brand_wide_rules_are_visible_to_the_brands_servers_only(store: Store) -> None:
    await filled(store)
    for scope in SCOPES:
        events = {r["event_type"]: r for r in await tables(store.scoped(scope)).select("monitoring_rules")}
        assert events["brand_event"]["id"] == uid(f"brandwide-{scope.brand_id}")


@pytest.mark.parametrize("victim", SCOPES, ids=str)
async def test_updates_and_deletes_touch_only_the_scope(store: Store, victim: Scope) -> None:
    await filled(store)
    data = store.scoped(victim)
    for table in store.catalog.tenant_tables():
        before = await owners(store, table)
        if table in APPEND_ONLY_TABLES:
            with pytest.raises(ScopeViolation, match="append-only"):
                await tables(data).update(table, None, {"action": "rewritten"})
            with pytest.raises(ScopeViolation, match="append-only"):
                await tables(data).delete(table)
            assert await owners(store, table) == before
            continue
        column, value = MUTABLE[table]
        changed = await tables(data).update(table, None, {column: value})
        assert changed == before[(victim.brand_id, victim.server_id)]
        others = await store.db.fetch_all(
            f"SELECT * FROM {table} WHERE NOT (brand_id = ? AND server_id = ?) OR server_id IS NULL",
            [victim.brand_id, victim.server_id],
        )
        assert all(row[column] != value for row in others), f"update leaked out of {victim} in {table}"

    for table in reversed([t for t, _ in sample_rows(victim, 0)]):
        if table in APPEND_ONLY_TABLES:
            continue
        before = await owners(store, table)
        removed = await tables(data).delete(table)
        after = await owners(store, table)
        assert removed == before[(victim.brand_id, victim.server_id)]
        assert after == before - Counter({(victim.brand_id, victim.server_id): removed})


async def test_rows_cannot_be_written_into_or_moved_to_another_scope(store: Store) -> None:
    await filled(store)
    data = store.scoped(SCOPES[0])
    with pytest.raises(ScopeViolation):
        await tables(data).insert("discord_user_stats", {"discord_user_id": "5", "server_id": "201"})
    with pytest.raises(ScopeViolation):
        await tables(data).insert("discord_user_stats", {"discord_user_id": "5", "brand_id": "brand_b"})
    with pytest.raises(ScopeViolation):
        await tables(data).update("discord_user_stats", None, {"server_id": "201"})
    with pytest.raises(ScopeViolation):
        await tables(data).select("discord_user_stats", {"server_id": "201"})
    with pytest.raises(ScopeViolation):
        await tables(data).select("loyalteez_brands")
    with pytest.raises(ScopeViolation):
        await tables(data).select("discord_user_stats", {"discord_user_id; DROP TABLE x": "1"})


async def test_brand_wide_rules_cannot_be_changed_from_a_server_scope(store: Store) -> None:
    await filled(store)
    data = store.scoped(SCOPES[0])
    await tables(data).update("monitoring_rules", {"event_type": "brand_event"}, {"reward_amount": 1})
    await tables(data).delete("monitoring_rules", {"event_type": "brand_event"})
    row = await store.db.fetch_one(
        "SELECT reward_amount FROM monitoring_rules WHERE id = ?", [uid("brandwide-brand_a")]
    )
    assert row == {"reward_amount": 5}
