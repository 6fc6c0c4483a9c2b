"""The server's own row: linking, unlinking and what /setup status counts."""

from __future__ import annotations

import pytest

from loyalteez.store import Scope, ServerLinkedElsewhere, Store
from tests.conftest import linked
from tests.store.raw import tables


async def test_config_is_none_before_the_first_link(store: Store) -> None:
    await store.insert_brand({"brand_id": "brand_a", "name": "A", "key_salt": "00", "key_hash": "x"})
    assert await store.scoped(Scope("brand_a", "101")).server.config() is None


async def test_link_returns_the_link_as_it_was_and_config_reads_it_back(store: Store) -> None:
    scope = await linked(store, "brand_a", "101", "Cafe")
    data = store.scoped(scope)
    config = await data.server.config()
    assert config is not None
    assert (config.brand_id, config.server_id, config.server_name, config.is_active) == ("brand_a", "101", "Cafe", True)
    assert config.connected_at is not None and config.config_metadata == {}

    before = await data.server.link("Renamed")
    assert before is not None and before.server_name == "Cafe"
    assert (await data.server.config()).server_name == "Renamed"


async def test_another_brand_cannot_link_an_active_server(store: Store) -> None:
    await linked(store, "brand_a", "101")
    await store.insert_brand({"brand_id": "brand_b", "name": "B", "key_salt": "00", "key_hash": "x"})
    with pytest.raises(ServerLinkedElsewhere):
        await store.scoped(Scope("brand_b", "101")).server.link("Taken")


async def test_unlink_counts_removed_member_stats_and_status_counts(store: Store) -> None:
    scope = await linked(store, "brand_a", "101")
    data = store.scoped(scope)
    await tables(data).insert("discord_user_stats", {"discord_user_id": "9", "ltz_earned": 5})
    assert await data.server.tracked_members() == 1
    assert await data.server.reward_event_count() == await tables(data).count("monitoring_rules")

    removed = await data.server.unlink()
    assert removed.member_stats == 1 and removed["discord_user_stats"] == 1
    assert (await data.server.config()).is_active is False
    assert await data.server.tracked_members() == 0


async def test_connected_at_is_when_the_server_was_linked(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    config = await data.server.config()
    assert config is not None and config.connected_at == store.clock.now()
