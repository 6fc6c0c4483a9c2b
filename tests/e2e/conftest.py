"""End-to-end fixtures: the REAL Loyalteez App connected to the loopback Discord emulator.

    async def test_balance(guild, emu):
        alice = guild.member("alice")
        reply = await alice.slash("balance")
        assert "0" in reply.text

Every test gets a fresh emulator on a free 127.0.0.1 port, a fresh database and the suite's ManualClock
(`clock`, from tests/conftest.py) wired into the App. Each test runs twice, on a temporary SQLite file and
on a PostgreSQL schema of its own (skipped, with the reason printed, only when no server answers). Leaving a
test fails it if the bot made a request real Discord would refuse (`emu.rejected_requests`; clear it after
asserting an expected refusal) or if the emulator hit a bug of its own.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator

import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness, app_factory, running_bot
from loyalteez.emulator.state import Channel
from tests.conftest import pg_store_schema


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every end-to-end test runs twice: the App on a SQLite file, and on a PostgreSQL schema of its own."""
    if "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ["sqlite", "postgres"])


@pytest.fixture
def engine() -> str:
    """SQLite where the fixtures are borrowed outside tests/e2e (reliability tests read the SQLite file)."""
    return "sqlite"


@pytest.fixture
async def harness(tmp_path, clock: ManualClock, engine: str) -> AsyncIterator[Harness]:
    if importlib.util.find_spec("loyalteez.app") is None:
        pytest.skip("loyalteez.app is not written yet")
    if engine == "postgres":
        async with (
            pg_store_schema() as url,
            running_bot(tmp_path, clock=clock, app_factory=app_factory(database_url=url)) as h,
        ):
            yield h
        return
    async with running_bot(tmp_path, clock=clock) as h:
        yield h


@pytest.fixture
def emu(harness: Harness) -> Emulator:
    return harness.emu


@pytest.fixture
def bot_app(harness: Harness):  # the App from loyalteez.app
    return harness.app


@pytest.fixture
def bot(harness: Harness):  # the py-cord client inside the App
    return harness.bot


@pytest.fixture
def guild(harness: Harness) -> GuildHandle:
    return harness.guild


@pytest.fixture
def general(guild: GuildHandle) -> Channel:
    return guild.channel("general")


@pytest.fixture
def alice(guild: GuildHandle) -> MemberHandle:
    return guild.member("alice")


@pytest.fixture
def admin(guild: GuildHandle) -> MemberHandle:
    return guild.member("boss", permissions=["manage_guild"])


@pytest.fixture
async def connected(harness: Harness, admin: MemberHandle):
    """The server linked to a fresh brand through /setup connect, as an admin would do it."""
    from loyalteez.services.access import brands

    brand = await brands.create_brand(harness.app.store, "Acme Coffee")
    reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content, reply.content
    return brand
