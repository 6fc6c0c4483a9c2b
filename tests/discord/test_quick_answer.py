"""Commands that only read answer in one request when their answer is ready at once; a slow one is still
deferred within Discord's 3 s; a paying command is always deferred first; the answer and the deferral never
both go (the emulator, like Discord, refuses a second acknowledgement, and the harness fails on it)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import discord
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter

from loyalteez.discord import quick_answer
from loyalteez.emulator.harness import Harness, running_bot
from loyalteez.emulator.interactions import DEFERRED_REPLY, REPLY
from loyalteez.services import texts
from tests.e2e.slow_database import SlowDatabase
from tests.reliability.helpers import CLAIMABLE

SLOWER_THAN_QUICK = quick_answer.QUICK_ANSWER + 0.4
READ_DELAY, LEADERBOARD_READS = 0.35, 2  # /leaderboard reads twice: its answer is ready after the deadline


async def test_commands_that_only_read_answer_in_one_request(claimable: Harness) -> None:
    alice = claimable.guild.member("alice")
    for name in ("balance", "cooldowns", "help", "achievements", "link"):
        reply = await alice.slash(name)
        assert reply.type == REPLY and not reply.followups and reply.ephemeral, (name, reply)
    board = await alice.slash("leaderboard")
    assert board.type == REPLY and not board.ephemeral and board.embed is not None, board


async def test_a_paying_command_is_deferred_first_however_quick(claimable: Harness) -> None:
    reply = await claimable.guild.member("alice").slash("claim", event=CLAIMABLE)
    assert reply.type == DEFERRED_REPLY and "You earned" in reply.content, reply


async def test_a_slow_read_is_deferred_in_time_and_answered_by_a_follow_up(claimable: Harness) -> None:
    SlowDatabase.install(claimable.app.store, SLOWER_THAN_QUICK)
    reply = await claimable.guild.member("alice").slash("balance", reply_timeout=30)
    record = reply.record
    assert reply.deferred and reply.embed is not None, reply
    assert record.acknowledged is not None and record.acknowledged - record.created < 3.0, record.describe()


async def test_a_refusal_of_a_public_command_answered_at_once_shows_only_to_its_caller(tmp_path, clock) -> None:
    async with running_bot(tmp_path, clock=clock) as h:  # a server not connected to any brand
        reply = await h.guild.member("alice").slash("leaderboard")
        assert reply.type == REPLY and reply.ephemeral and texts.NOT_CONNECTED in reply.content, reply
        assert not h.emu.sent_messages(h.guild.channel("general")), "nothing shown to the channel"


async def test_an_answer_ready_while_the_deferral_is_under_way_follows_it(
    claimable: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowDatabase.install(claimable.app.store, READ_DELAY)
    respond = AsyncWebhookAdapter.create_interaction_response

    def deferral_in_flight(self: AsyncWebhookAdapter, *args: Any, **kwargs: Any) -> Any:
        async def arriving() -> Any:
            while slow.calls < LEADERBOARD_READS:  # the deferral is on the wire until the answer is ready
                await asyncio.sleep(0.01)
            await asyncio.sleep(READ_DELAY + 0.3)
            return await respond(self, *args, **kwargs)

        return arriving() if kwargs.get("type") == DEFERRED_REPLY else respond(self, *args, **kwargs)

    monkeypatch.setattr(AsyncWebhookAdapter, "create_interaction_response", deferral_in_flight)
    reply = await claimable.guild.member("alice").slash("leaderboard", reply_timeout=30)
    assert reply.deferred and len(reply.messages) == 1 and not reply.ephemeral and reply.embed, reply


async def test_an_answer_on_its_way_when_the_deadline_passes_is_the_acknowledgement(
    claimable: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    send_message = discord.InteractionResponse.send_message

    async def slow_answer(self: discord.InteractionResponse, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(quick_answer.QUICK_ANSWER + 0.3)  # the deadline passes while it travels
        return await send_message(self, *args, **kwargs)

    monkeypatch.setattr(discord.InteractionResponse, "send_message", slow_answer)
    reply = await claimable.guild.member("alice").slash("balance", reply_timeout=30)
    assert reply.type == REPLY and reply.embed is not None, reply


async def test_a_read_discord_no_longer_takes_is_not_answered(
    claimable: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    defer = quick_answer.defer_command

    async def too_late(*args: Any, **kwargs: Any) -> bool:
        await asyncio.sleep(3.2)  # past Discord's 3 s: the emulator refuses the acknowledgement
        return await defer(*args, **kwargs)

    monkeypatch.setattr(quick_answer, "defer_command", too_late)
    slow = SlowDatabase.install(claimable.app.store, 5.0)
    alice = claimable.guild.member("alice")
    started = time.monotonic()
    with pytest.raises(AssertionError, match="no answer"):
        await alice.slash("balance", reply_timeout=6)
    slow.delay = 0
    record = list(claimable.emu.interactions)[-1]
    assert record.callback_type is None and not record.followups, record.describe()
    assert time.monotonic() - started < 10
    assert "not run" in caplog.text
    claimable.emu.rejected_requests.clear()  # the late acknowledgement, refused as Discord would
