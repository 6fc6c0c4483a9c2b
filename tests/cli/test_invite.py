"""The invite link: `python bot.py invite` and the bot's start-up log print the same, exact OAuth2 URL."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import discord

from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN
from loyalteez.services.access.health import PERMISSIONS
from tests.cli.live_bot import LiveBot
from tests.reliability.crash_rig import prepare_database
from tests.test_cli import run

APP_ID = "1234567890123456789"
# A token shaped like Discord's: the application id in base64, a timestamp, an HMAC (all made up).
FAKE_TOKEN = base64.urlsafe_b64encode(APP_ID.encode()).decode().rstrip("=") + ".GZlNbw.Xq3_4pX5tq0cV1yR8-made-up-hmac"
# View Channel, Send Messages, Embed Links, Attach Files, Add Reactions, Read Message History, Manage Roles
PERMISSION_VALUE = (1 << 10) + (1 << 11) + (1 << 14) + (1 << 15) + (1 << 6) + (1 << 16) + (1 << 28)


def url(client_id: str) -> str:
    return (
        f"https://discord.com/oauth2/authorize?client_id={client_id}&permissions={PERMISSION_VALUE}"
        "&scope=bot+applications.commands"
    )


def test_invite_reads_the_application_id_from_the_token(tmp_path: Path) -> None:
    result = run("invite", env={"DISCORD_TOKEN": FAKE_TOKEN}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Open this link to add the bot to a server you manage:", url(APP_ID)]


def test_discord_client_id_wins(tmp_path: Path) -> None:
    result = run("invite", env={"DISCORD_TOKEN": FAKE_TOKEN, "DISCORD_CLIENT_ID": "42424242"}, cwd=tmp_path)
    assert result.stdout.splitlines()[-1] == url("42424242")


def test_without_token_or_client_id_one_sentence(tmp_path: Path) -> None:
    result = run("invite", cwd=tmp_path)
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.strip() == (
        "Cannot tell the application's id: set DISCORD_TOKEN, or DISCORD_CLIENT_ID to the Application ID "
        "on your application's General Information page."
    )
    bad = run("invite", env={"DISCORD_CLIENT_ID": "my-bot"}, cwd=tmp_path)
    assert bad.returncode == 2 and "DISCORD_CLIENT_ID must be your application's id" in bad.stderr


def test_the_link_asks_for_exactly_what_setup_check_audits() -> None:
    granted = {name for name, on in discord.Permissions(PERMISSION_VALUE) if on}
    assert granted == {p.name for p in PERMISSIONS}


async def test_the_bot_logs_its_invite_link_at_start(tmp_path: Path) -> None:
    emu = Emulator(token=TOKEN)
    await emu.start()
    bot = LiveBot(emu, tmp_path / "bot.db", tmp_path / "bot.log")
    try:
        guild = emu.create_guild("Invite Server")
        await prepare_database(bot.db, guild, guild.owner)
        ready = emu.gateway.next_ready()
        await bot.start()
        await asyncio.wait_for(ready, 15)
        for _ in range(50):  # the line is logged right after READY is handled
            if "invite link" in bot.log.read_text():
                break
            await asyncio.sleep(0.1)
        assert await bot.stop() == 0, bot.log_tail()
    finally:
        await bot.kill()
        await emu.stop()
    log = bot.log.read_text()
    assert f"invite link (adds the bot to a server you manage): {url(str(emu.world.application_id))}" in log
