"""Boost notices and other bots' level-up announcements through the real bot."""

from __future__ import annotations

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle, payloads
from loyalteez.emulator.harness import Harness
from loyalteez.store._tables import ScopedTables
from tests.store.raw import tables


async def scoped(harness: Harness) -> ScopedTables:
    """The connected server's rows, read directly to check what the commands wrote."""
    return tables(harness.app.store.scoped(await harness.app.services.setup.scope_for(str(harness.guild.id))))


async def paid(harness: Harness, events: tuple[str, ...]) -> list[tuple[str, str, int]]:
    rows = await tables(await scoped(harness)).select(
        "loyalteez_reward_ledger", {"event_type": ("IN", events)}, order_by=["created_at"]
    )
    return [(r["discord_user_id"], r["event_type"], r["amount"]) for r in rows]


BOOST_EVENTS = ("server_boost", "first_boost", "tier_1_boost", "tier_2_boost", "tier_3_boost", "boost_tier_upgrade")


async def test_a_boost_pays_server_boost_once_and_is_not_a_chat_message(
    harness: Harness, connected, emu: Emulator, alice: MemberHandle
) -> None:
    notice = await alice.boost()
    assert notice.type == 8
    await emu.settle()
    emu.dispatch_raw("MESSAGE_CREATE", payloads.message(notice, world=emu.world, base_url=emu.base_url))
    await emu.settle()
    assert await paid(harness, BOOST_EVENTS) == [(str(alice.id), "server_boost", 500)]
    stats = await tables(await scoped(harness)).get("discord_user_stats", {"discord_user_id": str(alice.id)})
    assert stats["messages_count"] == 0, "a boost notice is a system message, not chat"


async def test_the_most_specific_enabled_boost_event_pays_and_only_that_one(
    harness: Harness, connected, emu: Emulator, guild: GuildHandle, admin: MemberHandle, alice: MemberHandle
) -> None:
    for event in ("first_boost", "tier_1_boost", "boost_tier_upgrade"):
        reply = await admin.slash("config events", action="toggle", name=event)
        assert "now on" in reply.content
    bob, carol = guild.member("bob"), guild.member("carol")
    expected = []

    async def boost(member: MemberHandle, event: str | None, amount: int, count: int = 1, tier: int = 0) -> None:
        harness.clock.advance(minutes=1)  # the ledger is read back in time order
        notice = await member.boost(count)
        assert notice.type == 8 + tier
        await emu.settle()
        if event is not None:
            expected.append((str(member.id), event, amount))
        assert await paid(harness, BOOST_EVENTS) == expected

    await boost(alice, "first_boost", 750)  # 1 boost: alice's first
    await boost(alice, "tier_1_boost", 1000, tier=1)  # 2 boosts: tier 1, the tier-specific event comes first
    await boost(bob, "first_boost", 750)  # 3: bob's first; no tier
    await boost(bob, "boost_tier_upgrade", 1000, count=4, tier=2)  # 7: tier 2, whose own event is off
    await boost(alice, "server_boost", 500)  # 8: nothing special
    await admin.slash("config events", action="toggle", name="server_boost")
    await boost(alice, None, 0)  # 9: the only event that applies is off: nothing pays
    await boost(carol, "first_boost", 750)  # 10: a first boost still pays first_boost
    await boost(carol, "boost_tier_upgrade", 1000, count=4, tier=3)  # 14: tier 3 (off), not carol's first


async def test_level_ups_from_leveling_bots_pay_once_per_level(
    harness: Harness,
    connected,
    emu: Emulator,
    guild: GuildHandle,
    admin: MemberHandle,
    alice: MemberHandle,
    general,
) -> None:
    bob = guild.member("bob")
    mee6, arcane, lurkr = (guild.member(name, bot=True) for name in ("MEE6", "Arcane", "Lurkr"))
    other_bot = guild.member("Helper", bot=True)
    await mee6.say(general, f"GG {alice.mention}, you just advanced to level 5!")
    await emu.settle()
    assert await paid(harness, ("level_up",)) == [], "level_up is off by default"

    assert "now on" in (await admin.slash("config events", action="toggle", name="level_up")).content
    await mee6.say(general, f"GG {alice.mention}, you just advanced to level 5!")
    await mee6.say(general, f"GG {alice.mention}, you just advanced to level 5!")  # announced twice
    await arcane.say(general, f"{bob.mention} has reached level **3**. GG!")
    await lurkr.say(
        general, embeds=[{"title": "Level up!", "description": f"Congrats {alice.mention}, you've reached level 6!"}]
    )
    await other_bot.say(general, f"GG {bob.mention}, you just advanced to level 9!")  # not a leveling bot
    await bob.say(general, f"GG {bob.mention}, you just advanced to level 50!")  # a member can't pay themselves
    await mee6.say(general, f"GG {mee6.mention}, you just advanced to level 2!")  # bots don't earn
    await emu.settle()
    assert sorted(await paid(harness, ("level_up",))) == sorted(
        [(str(alice.id), "level_up", 50), (str(bob.id), "level_up", 50), (str(alice.id), "level_up", 50)]
    )
    keys = {
        r["idempotency_key"]
        for r in await tables(await scoped(harness)).select("loyalteez_reward_ledger", {"event_type": "level_up"})
    }
    brand = (await harness.app.services.setup.scope_for(str(guild.id))).brand_id
    assert keys == {f"levelup:{brand}:{alice.id}:5", f"levelup:{brand}:{bob.id}:3", f"levelup:{brand}:{alice.id}:6"}
