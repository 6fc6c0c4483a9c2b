"""Disconnects, resumes, invalid sessions, 429 storms, 5xx answers and garbage on the gateway."""

from __future__ import annotations

import asyncio
import logging

import pytest

from loyalteez.discord import resilience
from loyalteez.emulator.harness import bare_bot_factory, running_bot
from tests.emulator.testbot import guard_parsers, make_test_bot


async def test_resume_replays_missed_events_exactly_once(emu, alice, general, bot) -> None:
    await alice.say(general, "before")
    await emu.settle()
    async with emu.disconnected():
        await alice.say(general, "missed 1")
        await alice.say(general, "missed 2")
        assert emu.gateway.live_connection is None
    await emu.settle()
    await alice.say(general, "after")
    await emu.settle()
    assert bot.log["messages"] == ["before", "missed 1", "missed 2", "after"]
    assert bot.counts["message"] == 4 and bot.counts["resumed"] == 1
    assert emu.gateway.resume_count == 1 and emu.gateway.identify_count == 1 and emu.gateway.replayed == 2


async def test_abrupt_drop_and_reconnect_op_resume(emu, alice, general, bot) -> None:
    await emu.drop_connection()
    await emu.request_reconnect()
    await emu.drop_connection(code=4000)
    await alice.say(general, "still here")
    await emu.settle()
    assert bot.log["messages"] == ["still here"]
    assert emu.gateway.resume_count == 3 and emu.gateway.identify_count == 1


async def test_invalid_session_forces_a_fresh_identify(emu, guild, alice, general, bot) -> None:
    await emu.invalidate_session()
    await emu.settle()
    assert emu.gateway.identify_count == 2 and bot.counts["ready"] == 2
    assert bot.get_guild(guild.id) is not None, "the new READY + GUILD_CREATE rebuilt the cache"
    assert (await alice.slash("hello", name="again")).content == "hi again"


async def test_a_failed_resume_gets_op_9_and_the_bot_identifies(emu, alice, general, bot) -> None:
    ready = emu.gateway.next_ready()
    emu.gateway.session.id = "forgotten"  # Discord no longer knows the session the bot resumes
    await emu.gateway.drop(None)
    await ready
    await emu.settle()
    assert emu.gateway.identify_count == 2 and emu.gateway.resume_count == 0


async def test_unanswered_heartbeats_make_the_bot_reconnect(tmp_path) -> None:
    from loyalteez.emulator import Emulator
    from tests.emulator.testbot import TestBot

    emu = Emulator(token="emu-token", heartbeat_interval=0.05)
    factory = bare_bot_factory(lambda: TestBot(heartbeat_timeout=0.3))
    async with running_bot(tmp_path, app_factory=factory, emulator=emu) as h:
        ready = emu.gateway.next_ready()
        emu.stop_heartbeat_acks()
        emu.gateway.send_op(11)  # the last frame the bot will see before the silence
        await ready  # py-cord gave up on the silent connection and resumed on a new one
        emu.resume_heartbeat_acks()
        assert emu.gateway.resume_count == 1
        await h.guild.member("zed").say(h.guild.channel("general"), "ping")
        await emu.settle()
        assert h.bot.log["messages"] == ["ping"]


async def test_429_storm_every_reply_arrives_exactly_once(emu, alice, general) -> None:
    # py-cord tries a request 5 times: four 429s in a row are survivable, a fifth drops the message.
    emu.faults.inject_429(count=2, retry_after=0.05, route="POST /channels/{channel_id}/messages")
    emu.faults.inject_429(count=2, retry_after=0.05, global_=True)
    for _ in range(3):
        await alice.say(general, "ping")
    await emu.settle()
    assert [m.content for m in emu.sent_messages(general)] == ["pong", "pong", "pong"]
    posts = emu.requests_to("POST", "/channels/{channel_id}/messages")
    assert [r.status for r in posts].count(200) == 3 and [r.status for r in posts].count(429) == 4
    assert emu.faults.count(429, global_=True) == 2 and emu.faults.pending == 0
    callback = "POST /interactions/{interaction_id}/{interaction_token}/callback"
    emu.faults.inject_429(count=2, retry_after=0.05, route=callback)
    reply = await alice.slash("hello", name="storm")
    assert reply.content == "hi storm"
    assert [m.content for m in emu.sent_messages(general)].count("hi storm") == 1


async def test_server_errors_are_retried(emu, alice, general) -> None:
    emu.faults.inject_status(500, count=1, route="POST /channels/{channel_id}/messages")
    await alice.say(general, "ping")
    await emu.settle(timeout=8)
    emu.faults.inject_status(502, count=1, route="POST /channels/{channel_id}/messages")
    await alice.say(general, "ping")
    await emu.settle(timeout=8)
    statuses = [r.status for r in emu.requests_to("POST", "/channels/{channel_id}/messages")]
    assert statuses == [500, 200, 502, 200]
    assert [m.content for m in emu.sent_messages(general)] == ["pong", "pong"]


async def test_unknown_events_and_ops_do_not_disturb_the_bot(emu, alice, general, bot, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="discord.gateway")
    emu.dispatch_raw("SOMETHING_NEW", {"x": 1})
    emu.send_raw({"op": 42, "d": None})
    emu.dispatch_raw("MESSAGE_DELETE", {"id": "1", "channel_id": str(general.id), "guild_id": "999"})
    await alice.say(general, "ping")
    await emu.settle()
    assert bot.log["messages"] == ["ping"]
    assert any("Unknown OP code 42" in r.getMessage() for r in caplog.records)
    assert emu.gateway.identify_count == 1 and emu.gateway.resume_count == 0


async def test_a_bot_that_dies_makes_settle_say_so(tmp_path) -> None:
    """An error escaping py-cord's connect loop ends start(); settle reports that at once, not after a timeout.

    (Malformed payloads no longer do this once loyalteez.discord.resilience is installed, so a parser
    that fails in a way no guard swallows stands in for them.)
    """
    async with running_bot(tmp_path, app_factory=bare_bot_factory(make_test_bot)) as h:

        def explode(data: object) -> None:
            raise RuntimeError("parser bug")

        h.bot._connection.parsers["MESSAGE_CREATE"] = explode
        h.emu.dispatch_raw("MESSAGE_CREATE", {"id": "1"})
        with pytest.raises(AssertionError, match="the bot stopped running: RuntimeError"):
            await h.emu.settle()


async def test_a_guarded_bot_logs_one_line_and_goes_on(tmp_path, caplog) -> None:
    log = logging.getLogger("testbot")

    def make() -> object:
        bot = make_test_bot()
        guard_parsers(bot, log)
        return bot

    async with running_bot(tmp_path, app_factory=bare_bot_factory(make)) as h:
        general, alice = h.guild.channel("general"), h.guild.member("alice")
        h.emu.dispatch_raw("MESSAGE_CREATE", {"id": "1"})
        h.emu.dispatch_raw("GUILD_MEMBER_UPDATE", {"guild_id": str(h.guild.id)})
        await alice.say(general, "ping")
        await h.emu.settle()
        assert h.bot.log["messages"] == ["ping"]
        skipped = [r for r in caplog.records if r.name == "testbot"]
        assert [r.getMessage().split(":")[0] for r in skipped] == [
            "skipped malformed MESSAGE_CREATE event",
            "skipped malformed GUILD_MEMBER_UPDATE event",
        ]
        assert all(r.exc_info is None for r in skipped), "one line each, no traceback"


async def test_settle_names_what_is_still_busy(emu, alice, general, bot) -> None:
    gate = asyncio.Event()

    @bot.listen("on_message")
    async def stuck(message) -> None:
        await gate.wait()

    await alice.say(general, "hello")
    with pytest.raises(AssertionError, match=r"bot handler\(s\) still running: pycord: on_message \(.*stuck\)"):
        await emu.settle(timeout=0.2)
    gate.set()
    await emu.settle()


async def test_half_an_emoji_in_a_message_is_still_read(emu, alice, general, bot) -> None:
    """A lone surrogate (half an emoji) is valid JSON that msgspec, which py-cord decodes with when it is
    installed, refuses: the frame is read all the same, as the standard library reads it."""
    resilience.guard_frames()  # what the real bot installs
    await alice.say(general, "half an emoji \ud83d")
    await emu.settle()
    assert bot.log["messages"][-1] == "half an emoji \ud83d"
