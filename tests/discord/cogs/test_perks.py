"""Perks through the real bot: concurrent buyers can't oversell, roles are granted (or refunded), balances add up."""

from __future__ import annotations

import asyncio

from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.conftest import REPORT
from tests.discord.helpers import fund, scoped
from tests.store.raw import tables


async def test_concurrent_buyers_cannot_oversell(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle
) -> None:
    reply = await admin.slash(
        "perk create", name="Golden mug", cost=100, category="merch", quantity=3, description="A mug for the ages"
    )
    assert "Created **Golden mug**" in reply.content and "3 left" in reply.content
    buyers = [guild.member(f"buyer{n}") for n in range(12)]
    for buyer in buyers:
        await fund(admin, buyer, 150)
    replies = await asyncio.gather(*(b.slash("perk-buy", perk="golden mug") for b in buyers))
    bought = [r for r in replies if "You bought **Golden mug**" in r.content]
    sold_out = [r for r in replies if "sold out" in r.content]
    assert len(bought) == 3 and len(sold_out) == 9 and all(r.ephemeral for r in replies)
    data = await scoped(harness)
    assert (await tables(data).select("loyalteez_perks"))[0]["quantity"] == 0
    assert await tables(data).count("loyalteez_perk_purchases") == 3
    catalog = await buyers[0].slash("perks", category="merch")
    assert "sold out" in catalog.text
    winner = buyers[[r in bought for r in replies].index(True)]
    balance = await winner.slash("balance")
    fields = {f["name"]: f["value"] for f in balance.embed["fields"]}
    assert (fields["Earned"], fields["Spent"], fields["Available"]) == ("150", "100", "50")
    REPORT["e2e perk race: 12 buyers at once, 3 in stock"] = "3 sold, 9 told sold out"


async def test_a_role_perk_grants_the_role_and_refuses_what_it_cannot_grant(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, guild: GuildHandle
) -> None:
    vip = guild.create_role("VIP")
    above = guild.create_role("Moderators")
    guild.move_role(above, guild.bot_role.position + 1)
    await harness.emu.settle()
    refused = await admin.slash("perk create", name="Mod badge", cost=10, role=above)
    assert "above my highest role" in refused.content
    made = await admin.slash("perk create", name="VIP pass", cost=40, quantity=5, role=vip)
    assert "gives <@&" in made.content
    await fund(admin, alice, 100)
    bought = await alice.slash("perk-buy", perk="VIP pass")
    assert "You now have" in bought.content and "60 LTZ left" in bought.content
    await harness.emu.settle()
    assert vip in alice.roles
    again = await alice.slash("perk-buy", perk="VIP pass")
    assert "already have the role" in again.content

    bob = guild.member("bob")
    await fund(admin, bob, 100)
    guild.move_role(vip, guild.bot_role.position + 1)  # someone drags VIP above the bot afterwards
    await harness.emu.settle()
    refunded = await bob.slash("perk-buy", perk="VIP pass")
    assert "refunded" in refunded.content and vip not in bob.roles
    data = await scoped(harness)
    stats = await tables(data).get("discord_user_stats", {"discord_user_id": str(bob.id)})
    assert stats["ltz_spent"] == 0
    statuses = sorted(r["status"] for r in await tables(data).select("loyalteez_perk_purchases"))
    assert statuses == ["completed", "refunded"]
    assert (await tables(data).select("loyalteez_perks", {"name": "VIP pass"}))[0]["quantity"] == 4


async def test_too_little_ltz_is_refused_with_the_numbers(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle
) -> None:
    await admin.slash("perk create", name="Shout-out", cost=500)
    await fund(admin, alice, 120)
    reply = await alice.slash("perk-buy", perk="Shout-out")
    assert reply.ephemeral and "You have **120 LTZ** available; **Shout-out** costs **500 LTZ**" in reply.content
    edited = await admin.slash("perk edit", name="Shout-out", cost=100)
    assert "100 LTZ" in edited.content
    assert "You bought" in (await alice.slash("perk-buy", perk="Shout-out")).content
    removed = await admin.slash("perk remove", name="Shout-out")
    assert "Removed" in removed.content
    assert "Nothing to buy" in (await alice.slash("perks")).text
