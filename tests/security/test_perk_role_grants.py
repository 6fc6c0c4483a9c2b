"""A perk may only sell a harmless role: no admin or moderation permissions, no admin level, below the seller.

Before, a perk manager could sell themselves the role mapped to full_admin (or a "Mods" role with Ban
Members) for 1 LTZ, buy it, and then run /config admin-roles and /setup disconnect. Checked when a perk is
made or edited, again at purchase (roles change afterwards: refunded, the buyer told why), and mapping a
role a perk sells to an admin level is refused too. Through the real bot, on both engines.
"""

from __future__ import annotations

from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services.access.permissions import ADMIN_ROLES_KEY
from loyalteez.store import ScopedData
from tests.discord.helpers import fund, scoped
from tests.store.raw import tables


async def write_admin_roles(data: ScopedData, mapping: dict[str, str]) -> None:
    """Straight into config_metadata, as a Supabase API session could, past every bot check."""
    metadata = await data.rewards.metadata()
    await tables(data).update("discord_server_configs", {}, {"config_metadata": {**metadata, ADMIN_ROLES_KEY: mapping}})


async def roles(harness: Harness, guild: GuildHandle, admin: MemberHandle):
    """Newest roles sit lowest: Council 5 > Perk team 4 > Blue 3 > Mods 2 > Admins 1 (the bot above all)."""
    council = guild.create_role("Council")
    team = guild.create_role("Perk team")
    blue = guild.create_role("Blue")
    mods = guild.create_role("Mods", permissions=["ban_members", "manage_messages"])
    admins = guild.create_role("Admins")
    await harness.emu.settle()
    for role, level in ((team, "perk_manager"), (admins, "full_admin")):
        reply = await admin.slash("config admin-roles", action="add", role=role, level=level)
        assert f"is now {level}" in reply.content, reply.content
    pat = guild.member("pat", roles=[team])
    return pat, council, blue, mods, admins


async def test_a_perk_manager_cannot_sell_a_powerful_an_admin_or_a_higher_role(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle
) -> None:
    pat, council, blue, mods, admins = await roles(harness, guild, admin)

    powerful = await pat.slash("perk create", name="Mod pass", cost=1, role=mods)
    assert powerful.content == (
        f"<@&{mods.id}> can't be sold as a perk: it has Manage Messages and Ban Members, and a perk may only "
        "give a role without admin or moderation permissions."
    )
    admin_level = await pat.slash("perk create", name="Boss pass", cost=1, role=admins)
    assert admin_level.content == (
        f"<@&{admins.id}> can't be sold as a perk: /config admin-roles gives it the full_admin admin level."
    )
    higher = await pat.slash("perk create", name="Council seat", cost=1, role=council)
    assert higher.content == f"You can't sell <@&{council.id}> as a perk: it is not below your own highest role."

    made = await pat.slash("perk create", name="Blue pass", cost=10, role=blue)
    assert "Created **Blue pass**" in made.content
    edited = await pat.slash("perk edit", name="Blue pass", role=admins)
    assert "can't be sold as a perk" in edited.content
    owner = await guild.owner.slash("perk create", name="Council seat", cost=500, role=council)
    assert "Created **Council seat**" in owner.content, "the server owner outranks every role"

    mapped = await admin.slash("config admin-roles", action="add", role=blue, level="viewer")
    assert mapped.content == (
        f"<@&{blue.id}> is sold by the perk **Blue pass**, so it can't have an admin level: take it off the "
        "perk first (/perk edit remove-role)."
    )
    data = await scoped(harness)
    sold = {p["name"]: p["role_id"] for p in await tables(data).select("loyalteez_perks")}
    assert sold == {"Blue pass": str(blue.id), "Council seat": str(council.id)}
    assert str(blue.id) not in ((await data.rewards.metadata()).get(ADMIN_ROLES_KEY) or {})


async def test_a_role_that_gained_power_after_the_perk_was_made_is_refunded_at_purchase(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, guild: GuildHandle
) -> None:
    pat, _council, blue, _mods, _admins = await roles(harness, guild, admin)
    assert "Created" in (await pat.slash("perk create", name="Blue pass", cost=10, quantity=5, role=blue)).content
    await fund(admin, alice, 100)

    guild.set_role_permissions(blue, ["manage_guild"])  # someone gives the role power afterwards
    await harness.emu.settle()
    refused = await alice.slash("perk-buy", perk="Blue pass")
    assert refused.content == (
        f"Nothing was spent: **Blue pass** gives <@&{blue.id}>, which now has Manage Server, so it can't be "
        "bought as a perk any more."
    )
    guild.set_role_permissions(blue, [])
    data = await scoped(harness)
    metadata = await data.rewards.metadata()  # an API session maps the role behind the bot's back
    await write_admin_roles(data, {**metadata[ADMIN_ROLES_KEY], str(blue.id): "full_admin"})
    await harness.emu.settle()
    mapped = await alice.slash("perk-buy", perk="Blue pass")
    assert "which now gives the full_admin admin level" in mapped.content
    await harness.emu.settle()
    assert blue not in alice.roles

    stats = await tables(data).get("discord_user_stats", {"discord_user_id": str(alice.id)})
    assert (stats["ltz_earned"], stats["ltz_spent"]) == (100, 0), "nothing lost"
    purchases = await tables(data).select("loyalteez_perk_purchases")
    assert sorted(p["status"] for p in purchases) == ["refunded", "refunded"], "nothing counted as sold"
    assert (await tables(data).select("loyalteez_perks", {"name": "Blue pass"}))[0]["quantity"] == 5

    await write_admin_roles(data, metadata[ADMIN_ROLES_KEY])
    bought = await alice.slash("perk-buy", perk="Blue pass")
    assert "You now have" in bought.content and "90 LTZ left" in bought.content
    await harness.emu.settle()
    assert blue in alice.roles
