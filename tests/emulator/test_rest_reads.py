"""The bot's own REST calls (fetches, history, edits) answered by the emulator like Discord."""

from __future__ import annotations

import io

import discord
import pytest

from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import bare_bot_factory, running_bot
from tests.emulator.testbot import TestBot


async def test_history_with_before_after_and_limit(emu, alice, general, bot) -> None:
    sent = [await alice.say(general, f"m{i}") for i in range(6)]
    await emu.settle()
    channel = bot.get_channel(general.id)
    newest = [m.content for m in await channel.history(limit=3).flatten()]
    assert newest == ["m5", "m4", "m3"]
    older = [m.content for m in await channel.history(limit=2, before=discord.Object(sent[3].id)).flatten()]
    assert older == ["m2", "m1"]
    after = [m.content for m in await channel.history(limit=10, after=discord.Object(sent[3].id)).flatten()]
    assert after == ["m4", "m5"]
    fetched = await channel.fetch_message(sent[0].id)
    assert fetched.content == "m0" and fetched.author.id == alice.id
    with pytest.raises(discord.NotFound):
        await channel.fetch_message(12345)


async def test_bot_edits_deletes_and_reads_reactors(emu, alice, general, bot) -> None:
    channel = bot.get_channel(general.id)
    mine = await channel.send("draft", embed=discord.Embed(title="t", description="d"))
    await mine.edit(content="final")
    await mine.add_reaction("✅")
    await alice.react(emu.world.messages[mine.id], "✅")
    await emu.settle()
    users = [u.id async for u in (await channel.fetch_message(mine.id)).reactions[0].users()]
    assert sorted(users) == sorted([emu.world.bot.id, alice.id])
    [record] = emu.sent_messages(general)
    assert record.content == "final" and record.embed["title"] == "t" and record.edits == 1
    await mine.delete()
    await emu.settle()
    assert emu.sent_messages(general) == []
    await channel.send("export", file=discord.File(io.BytesIO(b"x,y\n"), filename="export.csv"))
    [upload] = emu.sent_messages(general)
    assert upload.files == [("export.csv", b"x,y\n")]


async def test_guild_member_and_role_fetches(emu, guild, alice, bot) -> None:
    vip = guild.create_role("VIP")
    await alice.add_role(vip)
    await emu.settle()
    fetched = await bot.fetch_guild(guild.id)
    assert fetched.name == "Test Server"
    member = await fetched.fetch_member(alice.id)
    assert "VIP" in [r.name for r in member.roles]
    roles = await fetched.fetch_roles()
    assert {"@everyone", "VIP", "Loyalteez"} <= {r.name for r in roles}
    channels = await fetched.fetch_channels()
    assert {c.name for c in channels} == {"general", "lounge", "afk"}
    with pytest.raises(discord.NotFound):
        await fetched.fetch_member(1)
    user = await bot.fetch_user(alice.id)
    assert user.name == "alice"
    info = await bot.application_info()
    assert info.id == emu.world.application_id


async def test_settle_without_an_attached_client_uses_a_heartbeat_barrier(emu, alice, general, bot) -> None:
    emu.client, emu.gateway.client_seq_probe = None, None
    for word in ("one", "two", "three"):
        await alice.say(general, word)
    await emu.settle()
    assert bot.log["messages"] == ["one", "two", "three"]


async def test_without_message_content_intent_content_is_blank(tmp_path) -> None:
    def make() -> TestBot:
        bot = TestBot()
        bot._connection._intents.message_content = False
        return bot

    async with running_bot(tmp_path, app_factory=bare_bot_factory(make)) as h:
        general, alice = h.guild.channel("general"), h.guild.member("alice")
        await alice.say(general, "ping")
        await alice.say(general, f"{h.bot.user.mention} ping")
        await h.emu.settle()
        assert h.bot.log["messages"] == ["", f"<@{h.bot.user.id}> ping"]


async def test_a_wrong_token_is_refused(tmp_path) -> None:
    emu = Emulator(token="the-right-one")
    with pytest.raises(AssertionError, match="stopped before it was ready: LoginFailure"):
        async with running_bot(tmp_path, app_factory=bare_bot_factory(TestBot), emulator=emu):
            pass
