"""Reactions and popular messages through the real bot: counted once, never one's own, popular pays once."""

from __future__ import annotations

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.store.raw import tables


async def stats(harness: Harness, member: MemberHandle) -> dict:
    data = harness.app.store.scoped(await harness.app.services.setup.scope_for(str(harness.guild.id)))
    return await tables(data).get("discord_user_stats", {"discord_user_id": str(member.id)}) or {}


async def popular_paid(harness: Harness) -> list[dict]:
    data = harness.app.store.scoped(await harness.app.services.setup.scope_for(str(harness.guild.id)))
    return await tables(data).select("loyalteez_reward_ledger", {"event_type": "popular_message"})


async def test_a_reaction_counts_once_per_message_emoji_and_member_and_never_on_ones_own_message(
    harness: Harness, connected, emu: Emulator, guild: GuildHandle, alice: MemberHandle, general
) -> None:
    bob = guild.member("bob")
    message = await alice.say(general, "look at this latte art")
    await bob.react(message, "🎉")
    await emu.settle()
    await bob.unreact(message, "🎉")
    await emu.settle()
    await bob.react(message, "🎉")  # removed and added again: the same (message, emoji, member)
    await bob.react(message, "🔥")  # another emoji counts
    await alice.react(message, "❤️")  # her own message: not counted
    await emu.settle()
    assert (await stats(harness, bob)).get("reactions_count") == 2
    assert (await stats(harness, alice)).get("reactions_count", 0) == 0


async def test_popular_message_pays_its_author_once_at_the_threshold(
    harness: Harness,
    connected,
    emu: Emulator,
    guild: GuildHandle,
    admin: MemberHandle,
    alice: MemberHandle,
    general,
) -> None:
    toggled = await admin.slash("config events", action="toggle", name="popular_message")
    assert "now on" in toggled.content
    message = await alice.say(general, "the new espresso blend is out")
    fans = [guild.member(f"fan{n}") for n in range(6)]
    await alice.react(message, "🎉")  # the author's own reaction does not bring it closer
    for fan in fans[:4]:
        await fan.react(message, "🎉")
    await emu.settle()
    assert await popular_paid(harness) == [], "4 reactions from others: not yet"
    await fans[4].react(message, "🔥")
    await emu.settle()
    paid = await popular_paid(harness)
    assert [(p["discord_user_id"], p["amount"]) for p in paid] == [(str(alice.id), 25)]
    await fans[5].react(message, "🎉")
    await fans[0].unreact(message, "🎉")
    await fans[0].react(message, "🎉")
    await emu.settle()
    assert len(await popular_paid(harness)) == 1, "once per message, however many more reactions come"
