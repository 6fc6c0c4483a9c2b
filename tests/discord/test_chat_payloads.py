"""Chat read straight from the gateway's payloads: the reward events are the ones py-cord's objects give, py-cord
builds no Message for plain chat, and what its parser would leave in its caches is still there."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord.ext import commands

from loyalteez.clock import ManualClock
from loyalteez.discord.chat_payloads import ChatReaction, read_message, read_reaction
from loyalteez.discord.convert import member_of, message_event
from loyalteez.discord.dispatch import on
from loyalteez.emulator.harness import Harness, running_bot


@pytest.fixture
async def harness(tmp_path, clock: ManualClock) -> AsyncIterator[Harness]:
    async with running_bot(tmp_path, clock=clock) as h:
        yield h


def last_payload(harness: Harness, event: str) -> dict[str, Any]:
    """The `d` of the last `event` the emulator's gateway sent the bot."""
    session = harness.emu.gateway.session
    assert session is not None
    for _, frame in reversed(session.buffer):
        decoded = json.loads(frame)
        if decoded["t"] == event:
            return decoded["d"]
    raise AssertionError(f"no {event} sent")


async def test_a_message_read_from_its_payload_is_the_event_py_cords_message_gives(harness: Harness) -> None:
    guild, general = harness.guild, harness.guild.channel("general")
    helper = guild.create_role("helper")
    moderators = guild.create_role("moderators", permissions=["manage_guild"])
    gone = guild.create_role("gone")
    people = [
        guild.member("plain"),
        guild.member("with roles", roles=[helper, gone]),
        guild.member("moderator", roles=[moderators, helper]),
        guild.member("administrator", permissions=["administrator"]),
        guild.owner,
        guild.member("another bot", bot=True),
    ]
    await harness.settle()
    guild.guild.roles.pop(gone.id)  # a role the server deleted, still listed on an old member record
    state = harness.bot._connection
    earlier = None
    for person in people:
        for text, reply_to in (("gm", None), ("", None), ("a reply", earlier)):
            earlier = await person.say(general, text, reply_to=reply_to)
            await harness.settle()
            data = last_payload(harness, "MESSAGE_CREATE")
            view = read_message(state, data)
            assert view is not None
            channel = harness.bot.get_channel(general.id)
            assert view.reward_event() == message_event(discord.Message(state=state, channel=channel, data=data))
    await people[0].say(general, f"thanks {people[1].mention}")
    await harness.settle()
    assert read_message(state, last_payload(harness, "MESSAGE_CREATE")) is None, "py-cord reads mentions itself"


async def test_a_reaction_read_from_its_payload_is_the_one_py_cord_gives(harness: Harness) -> None:
    guild, general = harness.guild, harness.guild.channel("general")
    alice, helper_bot = guild.member("alice"), guild.member("helper bot", bot=True)
    message = await alice.say(general, "react to this")
    state = harness.bot._connection
    for who, emoji in ((guild.member("bob"), "🎉"), (helper_bot, "🔥"), (alice, "<:party:123456789012345678>")):
        await who.react(message, emoji)
        await harness.settle()
        data = last_payload(harness, "MESSAGE_REACTION_ADD")
        emoji_data = data["emoji"]
        py_cord = discord.RawReactionActionEvent(data, discord.PartialEmoji.from_dict(emoji_data), "REACTION_ADD")
        py_cord.member = discord.Member(data=data["member"], guild=harness.bot.get_guild(guild.id), state=state)
        assert read_reaction(state, data) == ChatReaction.of(py_cord)


async def test_plain_chat_builds_no_py_cord_message_but_a_feature_that_wants_one_gets_it(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    original = discord.Message.__init__

    def counting(self: discord.Message, **kwargs: Any) -> None:
        original(self, **kwargs)
        built.append(self.content)

    monkeypatch.setattr(discord.Message, "__init__", counting)
    alice, general = harness.guild.member("alice"), harness.guild.channel("general")
    await alice.say(general, "gm")
    await alice.react(await alice.say(general, "look"), "🎉")
    await harness.settle()
    assert built == [], "the rewards, watches and boosts features read plain chat from the payload"

    class WantsMessages(commands.Cog):
        def __init__(self) -> None:
            self.seen: list[str] = []

        @on("message")
        async def record(self, message: discord.Message) -> None:
            self.seen.append(message.content)

    probe = WantsMessages()
    harness.bot.add_cog(probe)
    for text in ("one", "two"):
        await alice.say(general, text)
    await harness.settle()
    assert probe.seen == ["one", "two"] and built == ["one", "two"], "built once each, for the feature only"


async def test_a_message_updates_the_bots_member_as_py_corts_parser_does(harness: Harness) -> None:
    guild, general = harness.guild, harness.guild.channel("general")
    alice = guild.member("alice")
    await harness.settle()
    helper = guild.create_role("helper")
    await harness.settle()
    alice.member.roles.append(helper.id)  # Discord shows the role on her next message before any member update
    alice.member.nick = "Ali"
    said = await alice.say(general, "hello")
    await harness.settle()
    cached = harness.bot.get_guild(guild.id).get_member(alice.id)
    assert helper.id in cached._roles and cached.nick == "Ali"
    assert member_of(cached).role_ids == (str(helper.id),)
    assert harness.bot.get_channel(general.id).last_message_id == said.id
