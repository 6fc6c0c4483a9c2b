"""Boost notices and other bots' level-up announcements, live: handed to SpecialMessages (special_messages.py)."""

from __future__ import annotations

import discord
from discord.ext import commands

from loyalteez.discord.chat_payloads import ChatMessage
from loyalteez.discord.dispatch import in_background, on, reads
from loyalteez.discord.special_messages import SpecialMessages
from loyalteez.services.access.setup import SetupService


class BoostsCog(commands.Cog):
    def __init__(self, setup: SetupService, special: SpecialMessages) -> None:
        self.setup = setup
        self.special = special

    @reads("message")
    async def message_read(self, message: ChatMessage) -> bool:
        """Done unless the message may be a boost notice or a level-up (read from py-cord's Message)."""
        return not self.special.may_want(message)

    @on("message")
    async def message(self, message: discord.Message) -> None:
        if not self.special.wants(message):
            return
        scope = await self.setup.scope_for(str(message.guild.id))  # type: ignore[union-attr]
        if scope is not None:
            in_background(self.special.bot, "message", self.special.route, scope, message)
