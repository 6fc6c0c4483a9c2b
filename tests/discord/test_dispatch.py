"""The dispatcher and the chat backlog through the real bot: a failing handler costs one log line and the next
handler still runs, a burst of chat does not delay a command, members are answered ahead of a chat backlog on
a bot short of CPU, a failing button still gets one sentence."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import discord
import pytest
from discord.ext import commands

from loyalteez.clock import ManualClock
from loyalteez.discord.dispatch import clicks, on
from loyalteez.discord.replies import send
from loyalteez.emulator.harness import Harness, running_bot
from loyalteez.emulator.state import Message
from loyalteez.services import texts


class Probe(commands.Cog):
    def __init__(self, handling: float = 0.0) -> None:
        self.seen: list[str] = []
        self.handling = handling

    @on("message")
    async def breaks(self, message: discord.Message) -> None:
        if message.content == "boom":
            raise RuntimeError("a feature's bug")

    @on("message")
    async def records(self, message: discord.Message) -> None:
        if self.handling:
            await asyncio.sleep(self.handling)  # a slow chat feature: the backlog waits for it, commands don't
        self.seen.append(message.content)

    @clicks("probe:")
    async def fails(self, interaction: discord.Interaction, rest: str) -> None:
        raise RuntimeError(f"button {rest} is broken")


@pytest.fixture
async def harness(tmp_path, clock: ManualClock) -> AsyncIterator[Harness]:
    async with running_bot(tmp_path, clock=clock) as h:
        yield h


async def test_a_failing_handler_is_one_log_line_and_the_next_handler_still_runs(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="loyalteez")
    probe = Probe()
    harness.bot.add_cog(probe)
    alice, general = harness.guild.member("alice"), harness.guild.channel("general")
    for text in ("hello", "boom", "still here"):
        await alice.say(general, text)
    await harness.settle()
    assert probe.seen == ["hello", "boom", "still here"], "every message reached the next handler, in order"
    failed = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert failed == ["event on_message failed: RuntimeError: a feature's bug"]


async def test_a_burst_of_chat_does_not_delay_a_command(harness: Harness) -> None:
    probe = Probe(handling=0.05)
    harness.bot.add_cog(probe)
    alice, general = harness.guild.member("alice"), harness.guild.channel("general")
    for n in range(60):  # three seconds of chat work queued ahead of the command
        await alice.say(general, f"message {n}")
    started = time.perf_counter()
    reply = await alice.slash("help", reply_timeout=2.5)
    took = time.perf_counter() - started
    assert reply.embeds and len(probe.seen) < 60, f"answered after {took:.2f} s with {len(probe.seen)} handled"
    await harness.settle(timeout=10)
    assert probe.seen == [f"message {n}" for n in range(60)], "nothing dropped, in order"


class Busy(commands.Cog):
    """A bot short of CPU: chat that costs real work, and clicks whose answer takes many turns of the loop
    (as a command's database statements do), each with work of its own."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.handled_when_answered: list[int] = []

    @on("message")
    async def records(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        time.sleep(0.002)  # building and rewarding a message holds the loop
        self.seen.append(message.content)

    @clicks("busy:")
    async def answers(self, interaction: discord.Interaction, rest: str) -> None:
        for _ in range(300):
            time.sleep(0.0003)  # a statement's share of CPU
            await asyncio.sleep(0)
        self.handled_when_answered.append(len(self.seen))
        await send(interaction, "done")


async def post_button(harness: Harness, custom_id: str) -> Message:
    channel = harness.bot.get_channel(harness.guild.channel("general").id)
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Try", custom_id=custom_id))
    view.stop()
    await channel.send("a button", view=view)
    return next(m for m in reversed(harness.emu.sent_messages(harness.guild.channel("general"))) if m.buttons)


async def test_members_are_answered_ahead_of_a_chat_backlog_when_the_bot_is_short_of_cpu(harness: Harness) -> None:
    busy = Busy()
    harness.bot.add_cog(busy)
    posted = await post_button(harness, "busy:1")
    alice, general = harness.guild.member("alice"), harness.guild.channel("general")
    for n in range(600):  # over a second of chat work queued ahead of the clicks
        await alice.say(general, f"message {n}")
    clickers = [harness.guild.member(f"member{n}") for n in range(12)]
    replies = await asyncio.gather(*(m.click(posted, "Try", reply_timeout=30) for m in clickers))
    assert all(r.deferred and r.content == "done" for r in replies)
    # Chat handed the loop to the members, then paused while they waited: without that pause every turn of
    # their answers also handled a slice of chat, and the backlog was nearly done before the last answer.
    assert max(busy.handled_when_answered) < 300, busy.handled_when_answered
    await harness.settle(timeout=30)
    assert busy.seen == [f"message {n}" for n in range(600)], "nothing dropped, in order"


async def test_a_button_whose_handler_fails_still_gets_one_sentence(harness: Harness) -> None:
    harness.bot.add_cog(Probe())
    posted = await post_button(harness, "probe:7")
    reply = await harness.guild.member("alice").click(posted, "Try")
    assert reply.deferred and reply.ephemeral and reply.content == texts.UNEXPECTED
