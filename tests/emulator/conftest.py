"""Fixtures: an emulator with the test-only bot (testbot.py) connected through the real py-cord client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness, bare_bot_factory, running_bot
from loyalteez.emulator.state import Channel
from tests.emulator.testbot import TestBot, make_test_bot


@pytest.fixture
async def h(tmp_path) -> AsyncIterator[Harness]:
    async with running_bot(tmp_path, app_factory=bare_bot_factory(make_test_bot)) as harness:
        yield harness


@pytest.fixture
def emu(h: Harness) -> Emulator:
    return h.emu


@pytest.fixture
def guild(h: Harness) -> GuildHandle:
    return h.guild


@pytest.fixture
def bot(h: Harness) -> TestBot:
    return h.bot


@pytest.fixture
def general(guild: GuildHandle) -> Channel:
    return guild.channel("general")


@pytest.fixture
def alice(guild: GuildHandle) -> MemberHandle:
    return guild.member("alice")
