"""/setup: link this server to a brand, see the link, or disconnect (server admins only)."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from loyalteez.discord.caller import caller_of
from loyalteez.discord.cogs.health import setup_check
from loyalteez.discord.replies import send
from loyalteez.services.access import texts
from loyalteez.services.access.setup import SetupService

log = logging.getLogger("loyalteez.setup")


class SetupCog(commands.Cog):
    setup = discord.SlashCommandGroup(
        "setup",
        "Link this server to a Loyalteez brand (server admins)",
        default_member_permissions=discord.Permissions(manage_guild=True),
        contexts={discord.InteractionContextType.guild},
    )

    def __init__(self, service: SetupService) -> None:
        self.service = service

    async def cog_before_invoke(self, ctx: discord.ApplicationContext) -> None:
        # Discord hides the command from non-admins by default, but servers can override that.
        if not caller_of(ctx).is_server_admin:
            raise commands.CheckFailure(texts.NEEDS_MANAGE_SERVER)

    @setup.command(name="connect", description="Link this server to your brand with its security key")
    @discord.option("brand_id", str, description="Your brand id (from `python bot.py brand list`)", max_length=64)
    @discord.option("security_key", str, description="The brand's security key (never shown or logged)", max_length=200)
    async def connect(self, ctx: discord.ApplicationContext, brand_id: str, security_key: str) -> None:
        result = await self.service.connect(
            server_id=str(ctx.guild_id),
            server_name=ctx.guild.name if ctx.guild else None,
            brand_id=brand_id,
            security_key=security_key,
            actor_id=str(ctx.author.id),
        )
        # Log the outcome only. Not what was typed: a key pasted into brand_id would reach the log.
        brand = result.scope.brand_id if result.scope else "-"
        log.info("setup connect guild=%s member=%s brand=%s ok=%s", ctx.guild_id, ctx.author.id, brand, result.ok)
        await send(ctx, result.message)

    @setup.command(name="status", description="Show which brand this server is linked to")
    async def status(self, ctx: discord.ApplicationContext) -> None:
        info = await self.service.status(str(ctx.guild_id))
        if info is None:
            await send(ctx, texts.SETUP_NOT_CONNECTED_STATUS)
            return
        embed = discord.Embed(title="Loyalteez link", colour=discord.Colour.green())
        embed.add_field(name="Brand", value=f"{info.brand_name} (`{info.brand_id}`)", inline=False)
        connected = info.connected_at
        embed.add_field(name="Connected", value=discord.utils.format_dt(connected, "R") if connected else "-")
        embed.add_field(name="Members tracked", value=str(info.members_tracked))
        embed.add_field(name="Reward events", value=str(info.reward_events))
        await send(ctx, embed=embed)

    @setup.command(name="disconnect", description="Unlink this server: member stats and streaks are removed")
    async def disconnect(self, ctx: discord.ApplicationContext) -> None:
        removed = await self.service.disconnect(server_id=str(ctx.guild_id), actor_id=str(ctx.author.id))
        if removed is None:
            await send(ctx, texts.SETUP_NOT_CONNECTED_STATUS)
            return
        await send(ctx, texts.setup_disconnected(removed.member_stats))

    @setup.command(name="check", description="Which permissions the bot lacks, channel by channel")
    async def check(self, ctx: discord.ApplicationContext) -> None:
        await setup_check(ctx)
