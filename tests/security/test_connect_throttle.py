"""/setup connect's wrong-key throttle, through the real bot and the loopback Discord, on both engines.

A lockout survives a restart of the bot on the same database; it counts per member as well as per
server; an unknown brand id costs the same hashing as a wrong key; the hashing leaves the event loop free.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import TOKEN, AppFactory, Harness, app_factory, running_bot
from loyalteez.services.access import brands
from loyalteez.services.access import texts as access_texts
from loyalteez.services.access.brands import NewKey
from tests.conftest import pg_store_schema


@asynccontextmanager
async def one_database(engine: str, tmp_path: Path) -> AsyncIterator[AppFactory]:
    """An app factory whose every app (every 'process') opens the same database."""
    if engine == "postgres":
        async with pg_store_schema() as url:
            yield app_factory(database_url=url)
        return
    yield app_factory(db_path=str(tmp_path / "bot.db"))


async def connect(member: MemberHandle, brand_id: str, key: str) -> str:
    reply = await member.slash("setup connect", brand_id=brand_id, security_key=key)
    assert reply.ephemeral
    return reply.content


def boss(guild: GuildHandle) -> MemberHandle:
    return guild.member("boss", permissions=["manage_guild"])


async def test_a_lockout_survives_a_restart_of_the_bot(tmp_path: Path, clock: ManualClock, engine: str) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with one_database(engine, tmp_path) as factory:
        async with running_bot(tmp_path, emulator=emu, clock=clock, app_factory=factory) as first:
            brand = await brands.create_brand(first.app.store, "Acme Coffee")
            for _ in range(3):
                assert await connect(boss(first.guild), brand.brand_id, "ltz_wrong") == access_texts.SETUP_WRONG_KEY
            assert "Too many wrong keys" in await connect(boss(first.guild), brand.brand_id, brand.security_key)

        clock.advance(seconds=10)  # the bot restarts within the lockout
        async with running_bot(tmp_path, emulator=emu, clock=clock, app_factory=factory) as second:
            refused = await connect(boss(second.guild), brand.brand_id, brand.security_key)
            assert refused == "Too many wrong keys for this server. Try again in 20s.", refused
            assert await second.app.store.server_link(str(second.guild.id)) is None
            clock.advance(seconds=21)
            connected = await connect(boss(second.guild), brand.brand_id, brand.security_key)
            assert "Connected to **Acme Coffee**" in connected


async def test_the_lockout_follows_the_member_to_another_server(
    tmp_path: Path, clock: ManualClock, engine: str
) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    other = emu.create_guild("Second Server")
    async with (
        one_database(engine, tmp_path) as factory,
        running_bot(tmp_path, emulator=emu, clock=clock, app_factory=factory) as h,
    ):
        brand = await brands.create_brand(h.app.store, "Acme Coffee")
        guesser = boss(h.guild)
        for _ in range(3):
            await connect(guesser, brand.brand_id, "ltz_wrong")
        mods = other.create_role("mods", permissions=["manage_guild"])
        same_person = other.add_existing_user(guesser.member.user, roles=[mods])
        refused = await connect(same_person, brand.brand_id, brand.security_key)
        assert refused == "Too many wrong keys from you. Try again in 30s.", refused
        assert await h.app.store.server_link(str(other.id)) is None

        someone_else = other.member("owner2", permissions=["manage_guild"])
        assert "Connected" in await connect(someone_else, brand.brand_id, brand.security_key)


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each PBKDF2 run of a /setup connect: True when it ran on the event loop's own thread."""
    calls: list[bool] = []
    real = brands.hash_key
    loop_thread = threading.get_ident()

    def spy(key: str, salt: str) -> str:
        calls.append(threading.get_ident() == loop_thread)
        return real(key, salt)

    monkeypatch.setattr(brands, "hash_key", spy)
    return calls


async def test_an_unknown_brand_id_costs_the_same_hashing_as_a_wrong_key(
    harness: Harness, admin: MemberHandle, hashing: list[bool]
) -> None:
    brand: NewKey = await brands.create_brand(harness.app.store, "Acme Coffee")
    for brand_id in (brand.brand_id, "brand_000000000000", "not a brand id!"):
        hashing.clear()
        assert await connect(admin, brand_id, "ltz_wrong_guess") == access_texts.SETUP_WRONG_KEY
        assert len(hashing) == 1, f"{brand_id!r}: {len(hashing)} key hashes; a wrong key costs 1"


async def test_the_key_is_hashed_off_the_event_loop(harness: Harness, admin: MemberHandle, hashing: list[bool]) -> None:
    brand = await brands.create_brand(harness.app.store, "Acme Coffee")
    hashing.clear()
    assert "Connected" in await connect(admin, brand.brand_id, brand.security_key)
    assert hashing == [False], "the key's PBKDF2 hash must run in a worker thread, not on the event loop"
