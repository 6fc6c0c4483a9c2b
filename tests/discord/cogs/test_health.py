"""/setup check tells an admin which permissions the bot lacks in which channels."""

from __future__ import annotations

from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.services.access.health import REQUIRED, ChannelAccess, permission_report


async def test_all_good_when_nothing_is_missing(guild: GuildHandle, admin: MemberHandle) -> None:
    reply = await admin.slash("setup check")
    assert reply.ephemeral and "all good" in reply.embed["title"]
    assert "every permission" in reply.embed["description"]


async def test_names_each_missing_permission_per_channel(guild: GuildHandle, admin: MemberHandle) -> None:
    shop = guild.create_text_channel("shop")
    vault = guild.create_text_channel("vault")
    guild.create_text_channel("fine")
    guild.set_permissions(shop, guild.bot_role, deny=["embed_links", "add_reactions"])
    guild.set_permissions(vault, "everyone", deny=["view_channel"])
    guild.set_permissions(guild.channel("general"), guild.bot_role, deny=["read_message_history"])
    reply = await admin.slash("setup check")
    text = reply.embed["description"]
    lines = {line.split(">:")[0] + ">": line.split(">: ")[1] for line in text.splitlines() if line.startswith("<#")}
    assert lines == {
        f"<#{shop.id}>": "Embed Links, Add Reactions",
        f"<#{vault.id}>": "View Channel",
        f"<#{guild.channel('general').id}>": "Read Message History",
    }
    assert "3 of 4 text channel(s)" in text and "not caught up" in text
    assert reply.ephemeral


async def test_only_admins_may_check(guild: GuildHandle, alice: MemberHandle) -> None:
    reply = await alice.slash("setup check", force=True)
    assert "Only server admins" in reply.content and not reply.embeds


def test_a_huge_server_stays_within_one_embed() -> None:
    channels = [ChannelAccess(str(10**17 + n), f"c{n}", frozenset({"view_channel"})) for n in range(400)]
    report = permission_report(channels)
    assert len(report.text) <= 4096 and "more channel(s)" in report.text and not report.ok
    assert all(REQUIRED[name][0] in report.text for name in REQUIRED if name != "view_channel")


async def test_a_bot_role_without_manage_roles_is_named_once_for_the_server(
    guild: GuildHandle, admin: MemberHandle
) -> None:
    guild.set_role_permissions(guild.bot_role, [name for name in REQUIRED])  # everything but Manage Roles
    reply = await admin.slash("setup check")
    text = reply.embed["description"]
    assert "something is missing" in reply.embed["title"]
    assert text.startswith(
        "The bot's role lacks Manage Roles in this server: perks that give a role cannot give it. "
        "Grant it in Server Settings > Roles."
    )
    assert "<#" not in text  # every channel is fine
