"""Running the bot for real: build the app, connect, and turn Discord's refusals into one clear sentence."""

from __future__ import annotations

import asyncio
import logging
import sys

import discord

from loyalteez.app import build_app
from loyalteez.settings import Settings

log = logging.getLogger("loyalteez")


async def _serve(settings: Settings) -> int:
    app = await build_app(settings)
    log.info("database %s ready", (settings.database_url and "(PostgreSQL)") or settings.db_path)
    try:
        await app.start()
    except discord.LoginFailure:
        print(
            "Discord rejected DISCORD_TOKEN: reset the token on your application's Bot page and "
            "put the new one in .env.",
            file=sys.stderr,
        )
        return 2
    except discord.PrivilegedIntentsRequired:
        print(
            "Discord refused the Server Members / Message Content intents: turn both on in the "
            "developer portal (your application > Bot > Privileged Gateway Intents).",
            file=sys.stderr,
        )
        return 2
    finally:
        await app.close()
    return 0


def run_bot(settings: Settings) -> int:
    try:
        return asyncio.run(_serve(settings))
    except KeyboardInterrupt:
        log.info("stopped")
        return 0
