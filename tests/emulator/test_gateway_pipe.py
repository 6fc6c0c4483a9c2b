"""The in-process gateway (what a history replay uses): the real py-cord client, the same frames, no socket."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from loyalteez.emulator import Emulator
from loyalteez.emulator.gateway_pipe import PipeEnd
from loyalteez.emulator.harness import TOKEN, Harness, bare_bot_factory, running_bot
from tests.emulator.testbot import make_test_bot


@pytest.fixture(params=[True, False], ids=["in-process", "websocket"])
async def piped(tmp_path, request) -> AsyncIterator[Harness]:
    """Both transports, to show they behave alike."""
    emu = Emulator(token=TOKEN, in_process_gateway=request.param)
    async with running_bot(tmp_path, app_factory=bare_bot_factory(make_test_bot), emulator=emu) as harness:
        yield harness


async def test_the_bot_connects_and_chats_without_a_socket(piped: Harness) -> None:
    emu, bot = piped.emu, piped.bot
    alice = piped.guild.member("alice")
    await alice.say(piped.guild.channel("general"), "hello")
    await emu.settle()
    assert isinstance(bot.ws.socket, PipeEnd) is emu.in_process_gateway
    assert bot.log["messages"] == ["hello"] and bot.counts["ready"] == 1
    assert (await alice.slash("hello", name="pipe")).content == "hi pipe"


async def test_missed_events_arrive_once_after_a_drop_a_close_code_and_an_outage(piped: Harness) -> None:
    emu, bot = piped.emu, piped.bot
    alice, general = piped.guild.member("alice"), piped.guild.channel("general")
    await emu.settle()
    await emu.drop_connection()  # lost without a close frame
    await emu.settle()
    await emu.drop_connection(code=4000)
    await emu.settle()
    async with emu.disconnected():
        await alice.say(general, "missed")
    await emu.settle()
    await alice.say(general, "after")
    await emu.settle()
    assert bot.log["messages"] == ["missed", "after"]
    assert emu.gateway.resume_count == 3 and emu.gateway.identify_count == 1 and emu.gateway.replayed == 1


async def test_an_invalid_session_makes_the_bot_identify_again(piped: Harness) -> None:
    emu = piped.emu
    await emu.invalidate_session()
    await emu.settle()
    assert emu.gateway.identify_count == 2 and piped.bot.counts["ready"] == 2
