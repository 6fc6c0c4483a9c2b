"""/help: every command with its description, built from what is registered so it never goes stale."""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from loyalteez.discord.quick_answer import only_reads
from loyalteez.discord.replies import send
from loyalteez.services import texts
from loyalteez.services.access.setup import SetupService

EMBED_FIELD_LIMIT = 25


def command_lines(bot: discord.Bot) -> list[tuple[str, str]]:
    """(usage, description) for every slash command and subcommand, sorted by name."""
    lines: list[tuple[str, str]] = []

    def walk(command: discord.ApplicationCommand[Any, ..., Any]) -> None:
        if isinstance(command, discord.SlashCommandGroup):
            for sub in command.subcommands:
                walk(sub)
        elif isinstance(command, discord.SlashCommand):
            lines.append((f"/{command.qualified_name}", command.description))

    for command in bot.application_commands:
        walk(command)
    return sorted(lines)


class HelpCog(commands.Cog):
    def __init__(self, bot: discord.Bot, setup: SetupService) -> None:
        self.bot = bot
        self.setup = setup

    @only_reads
    @discord.slash_command(name="help", description="What this bot does and every command it has")
    async def help(self, ctx: discord.ApplicationContext) -> None:
        embed = discord.Embed(
            title="Loyalteez",
            description="Earn LTZ by taking part: messages, greetings, reactions, voice, daily check-ins.",
            colour=discord.Colour.blurple(),
        )
        lines = command_lines(self.bot)
        per_field = max(1, -(-len(lines) // EMBED_FIELD_LIMIT))
        for start in range(0, len(lines), per_field * 8):
            chunk = lines[start : start + per_field * 8]
            embed.add_field(
                name="Commands" if start == 0 else "\u200b",
                value="\n".join(f"`{usage}` {desc}" for usage, desc in chunk)[:1024],
                inline=False,
            )
        note = None
        if ctx.guild_id and await self.setup.scope_for(str(ctx.guild_id)) is None:
            note = texts.NOT_CONNECTED
        await send(ctx, note, embed=embed)
