"""Boost notices and other bots' level-up announcements, live: handed to SpecialMessages (special_messages.py)."""

from __future__ import annotations

import discord
from discord.ext import commands

from loyalteez.discord.dispatch import in_background, on
from loyalteez.discord.special_messages import SpecialMessages
from loyalteez.services.access.setup import SetupService


class BoostsCog(commands.Cog):
    def __init__(self, setup: SetupService, special: SpecialMessages) -> None:
        self.setup = setup
        self.special = special

    @on("message")
    async def message(self, message: discord.Message) -> None:
        if not self.special.wants(message):
            return
        scope = await self.setup.scope_for(str(message.guild.id))  # type: ignore[union-attr]
        if scope is not None:
            in_background(self.special.bot, "message", self.special.route, scope, message)
