"""/setup's rules: the key proves the brand, wrong keys change nothing and slow down, audit never holds the key."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.access import brands
from loyalteez.services.access import texts as access_texts
from loyalteez.services.access.setup import SetupService
from loyalteez.store import Store
from tests.store.raw import tables

SERVER = "555000111"


@pytest.fixture
async def brand(store: Store) -> brands.NewKey:
    return await brands.create_brand(store, "Acme Coffee")


@pytest.fixture
def setup(store: Store, clock: ManualClock) -> SetupService:
    return SetupService(store, clock)


async def table_sizes(store: Store) -> dict[str, int]:
    """Every table but the wrong-key throttle's, which a wrong key is meant to change."""
    tables = [t for t in await store.db.table_names() if t != "loyalteez_connect_attempts"]
    return {t: await store.db.fetch_value(f"SELECT COUNT(*) FROM {t}") for t in tables}


async def test_connect_links_the_server_and_audits_without_the_key(
    store: Store, setup: SetupService, brand: brands.NewKey
) -> None:
    result = await setup.connect(
        server_id=SERVER, server_name="Cafe", brand_id=brand.brand_id, security_key=brand.security_key, actor_id="42"
    )
    assert result.ok and "Acme Coffee" in result.message
    assert await setup.scope_for(SERVER) == result.scope
    audit = await tables(store.scoped(result.scope)).select("discord_audit_log")
    assert [(a["action"], a["actor_type"], a["actor_id"]) for a in audit] == [("server_connected", "admin", "42")]
    assert brand.security_key not in json.dumps(audit, default=str)
    brand_row = await store.get_brand(brand.brand_id)
    assert brand.security_key not in json.dumps(brand_row, default=str), "only a salted hash is stored"


async def test_wrong_key_changes_nothing_and_says_so(store: Store, setup: SetupService, brand: brands.NewKey) -> None:
    before = await table_sizes(store)
    for brand_id, key in [(brand.brand_id, "ltz_wrong"), ("brand_nope", brand.security_key), ("bad id!", "x")]:
        result = await setup.connect(
            server_id=SERVER, server_name="Cafe", brand_id=brand_id, security_key=key, actor_id="42"
        )
        assert not result.ok
    assert result.message == access_texts.SETUP_WRONG_KEY or "Try again" in result.message
    assert await table_sizes(store) == before
    assert await setup.scope_for(SERVER) is None


async def test_repeated_wrong_keys_are_slowed_down(
    setup: SetupService, brand: brands.NewKey, clock: ManualClock
) -> None:
    async def attempt(key: str) -> str:
        result = await setup.connect(
            server_id=SERVER, server_name=None, brand_id=brand.brand_id, security_key=key, actor_id="42"
        )
        return result.message

    for _ in range(3):
        await attempt("wrong")
    locked = await attempt(brand.security_key)
    assert "Too many wrong keys" in locked, "even the right key waits out the lockout"
    clock.advance(seconds=31)
    await attempt("wrong again")
    assert "Too many wrong keys" in await attempt(brand.security_key)
    clock.advance(seconds=61)  # the second lockout doubles to 60 s
    assert "Connected" in await attempt(brand.security_key)


async def test_status_and_disconnect(
    store: Store, setup: SetupService, brand: brands.NewKey, clock: ManualClock
) -> None:
    assert await setup.status(SERVER) is None
    assert await setup.disconnect(server_id=SERVER, actor_id="42") is None
    result = await setup.connect(
        server_id=SERVER, server_name="Cafe", brand_id=brand.brand_id, security_key=brand.security_key, actor_id="42"
    )
    await tables(store.scoped(result.scope)).insert("discord_user_stats", {"discord_user_id": "9", "ltz_earned": 5})
    status = await setup.status(SERVER)
    assert status.brand_name == "Acme Coffee" and status.members_tracked == 1

    clock.advance(seconds=1)  # audit rows of one instant have no order between them
    removed = await setup.disconnect(server_id=SERVER, actor_id="42")
    assert removed["discord_user_stats"] == 1
    assert await setup.scope_for(SERVER) is None
    audit = await tables(store.scoped(result.scope)).select("discord_audit_log", order_by=["created_at"])
    actions = [a["action"] for a in audit]
    assert actions == ["server_connected", "server_disconnected"]


async def test_a_server_linked_to_another_brand_must_be_disconnected_first(
    store: Store, setup: SetupService, brand: brands.NewKey, clock: ManualClock
) -> None:
    other = await brands.create_brand(store, "Other Brand")
    await setup.connect(
        server_id=SERVER, server_name="Cafe", brand_id=brand.brand_id, security_key=brand.security_key, actor_id="1"
    )
    taken = await setup.connect(
        server_id=SERVER, server_name="Cafe", brand_id=other.brand_id, security_key=other.security_key, actor_id="2"
    )
    assert not taken.ok and "another brand" in taken.message
    assert (await setup.scope_for(SERVER)).brand_id == brand.brand_id
    clock.advance(timedelta(minutes=1))
    await setup.disconnect(server_id=SERVER, actor_id="1")
    moved = await setup.connect(
        server_id=SERVER, server_name="Cafe", brand_id=other.brand_id, security_key=other.security_key, actor_id="2"
    )
    assert moved.ok and (await setup.scope_for(SERVER)).brand_id == other.brand_id


async def test_rotated_key_replaces_the_old_one(store: Store, setup: SetupService, brand: brands.NewKey) -> None:
    fresh = await brands.rotate_key(store, "Acme Coffee")
    old = await setup.connect(
        server_id=SERVER, server_name=None, brand_id=brand.brand_id, security_key=brand.security_key, actor_id="1"
    )
    assert not old.ok
    new = await setup.connect(
        server_id=SERVER, server_name=None, brand_id=brand.brand_id, security_key=fresh.security_key, actor_id="1"
    )
    assert new.ok


@pytest.mark.parametrize("name", ["", " ", "x" * 65, "bad\nname"])
async def test_bad_brand_names_are_refused(store: Store, name: str) -> None:
    with pytest.raises(brands.ValidationError):
        await brands.create_brand(store, name)
    assert await store.list_brands() == []


@pytest.mark.parametrize("amount", ["-5", "0", "1.5", "lots", str(10**16)])
async def test_bad_budgets_are_refused(store: Store, brand: brands.NewKey, amount: str) -> None:
    with pytest.raises(brands.ValidationError, match="must be a whole number"):
        await brands.set_budget(store, brand.brand_id, amount)
    assert (await store.get_brand(brand.brand_id))["ltz_budget"] is None
