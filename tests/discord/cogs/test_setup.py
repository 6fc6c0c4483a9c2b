"""/setup and /help through the real py-cord client and the loopback Discord."""

from __future__ import annotations

import logging

import pytest

from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services import texts
from loyalteez.services.access import brands
from loyalteez.services.access import texts as access_texts
from loyalteez.services.access.brands import NewKey


@pytest.fixture
async def brand(bot_app) -> NewKey:
    return await brands.create_brand(bot_app.store, "Acme Coffee")


async def connect(admin: MemberHandle, brand: NewKey, key: str | None = None):
    return await admin.slash("setup connect", brand_id=brand.brand_id, security_key=key or brand.security_key)


async def test_admin_connects_the_server_with_the_brand_key(
    harness: Harness, admin: MemberHandle, brand: NewKey, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reply = await connect(admin, brand)
    assert reply.ephemeral
    assert "Connected to **Acme Coffee**" in reply.content
    link = await harness.app.store.server_link(str(harness.guild.id))
    assert link["brand_id"] == brand.brand_id and link["is_active"]
    assert brand.security_key not in caplog.text, "the key must never reach a log line"

    status = await admin.slash("setup status")
    assert status.ephemeral and "Acme Coffee" in str(status.embeds)


async def test_wrong_key_changes_nothing(harness: Harness, admin: MemberHandle, brand: NewKey) -> None:
    reply = await connect(admin, brand, key="ltz_not_the_key")
    assert reply.ephemeral and reply.content == access_texts.SETUP_WRONG_KEY
    assert await harness.app.store.server_link(str(harness.guild.id)) is None


async def test_members_without_manage_server_are_refused(harness: Harness, guild: GuildHandle, brand: NewKey) -> None:
    member = guild.member("mallory")
    reply = await member.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key, force=True)
    assert reply.ephemeral and "Manage Server" in reply.content
    assert await harness.app.store.server_link(str(guild.id)) is None


async def test_disconnect_reports_what_was_removed(harness: Harness, admin: MemberHandle, brand: NewKey) -> None:
    await connect(admin, brand)
    reply = await admin.slash("setup disconnect")
    assert reply.ephemeral and "Disconnected" in reply.content
    assert not (await harness.app.store.server_link(str(harness.guild.id)))["is_active"]
    again = await admin.slash("setup status")
    assert again.content == access_texts.SETUP_NOT_CONNECTED_STATUS


async def test_help_lists_every_command_and_says_why_nothing_earns(alice: MemberHandle) -> None:
    reply = await alice.slash("help")
    assert reply.ephemeral
    assert texts.NOT_CONNECTED in reply.content
    text = str(reply.embeds)
    for usage in ("/setup connect", "/setup status", "/setup disconnect", "/help"):
        assert usage in text


async def test_every_command_has_help_text(harness: Harness) -> None:
    from loyalteez.discord.cogs.help import command_lines

    lines = command_lines(harness.bot)
    assert lines and all(description and description != "No description provided" for _, description in lines)
