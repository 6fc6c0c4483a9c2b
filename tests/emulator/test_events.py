"""Reactions, voice, membership and guild join/leave events as the bot's handlers see them."""

from __future__ import annotations


async def test_reaction_add_and_remove(emu, alice, general, bot) -> None:
    msg = await alice.say(general, "vote")
    await alice.react(msg, "🎉")
    await alice.react(msg, "🎉")  # a second click on the same emoji is not a new reaction
    await alice.unreact(msg, "🎉")
    await emu.settle()
    assert bot.log["reactions"] == [("add", alice.id, "🎉", msg.id), ("remove", alice.id, "🎉", msg.id)]


async def test_voice_join_move_mute_deafen_afk_leave(emu, guild, alice, bot) -> None:
    lounge = guild.channel("lounge")
    stage = guild.create_voice_channel("stage")
    # py-cord hands handlers its *cached* VoiceState as `after` and mutates it on the next event,
    # so a burst of voice events all look like the last one; settle after each step.
    for step in (alice.join_voice(lounge), alice.move_voice(stage), alice.set_voice(self_mute=True),
                 alice.set_voice(self_deaf=True), alice.go_afk(), alice.leave_voice()):  # fmt: skip
        await step
        await emu.settle()
    assert bot.log["voice"] == [
        ("alice", None, "lounge", False, False, False),
        ("alice", "lounge", "stage", False, False, False),
        ("alice", "stage", "stage", True, False, False),
        ("alice", "stage", "stage", True, True, False),
        ("alice", "stage", "afk", True, True, True),
        ("alice", "afk", None, False, False, False),
    ]
    assert bot.get_guild(guild.id).get_member(alice.id).voice is None


async def test_member_join_role_update_and_leave(emu, guild, bot) -> None:
    vip = guild.create_role("VIP")
    dave = guild.member("dave")
    for step in (dave.add_role(vip), dave.remove_role(vip), dave.leave()):  # the cached Member is mutated too
        await step
        await emu.settle()
    assert bot.log["joins"] == ["dave"]
    assert bot.log["member_updates"] == [("dave", ["@everyone", "VIP"]), ("dave", ["@everyone"])]
    assert bot.log["leaves"] == ["dave"]
    assert bot.get_guild(guild.id).get_member(dave.id) is None


async def test_bot_added_to_and_removed_from_a_server(emu, bot) -> None:
    other = emu.create_guild("Second Server", with_bot=False)
    await other.add_bot()
    await emu.settle()
    assert bot.log["guild_join"] == ["Second Server"] and bot.get_guild(other.id) is not None
    assert {c.name for c in bot.get_guild(other.id).channels} == {"general", "lounge", "afk"}
    await other.remove_bot()
    await emu.settle()
    assert bot.log["guild_remove"] == ["Second Server"] and bot.get_guild(other.id) is None
