"""/watch: watched channels, where every new message becomes a reaction drop of the watch's event.

Split from the drops cog, which posts, claims and closes the drops themselves: this cog keeps only the
watch commands and the message listener that turns a watched channel's new message into a reaction drop
(the bot reacts, then `Drops.create` records it; its claims are the drops cog's reactions like any other).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.chat_payloads import ChatMessage
from loyalteez.discord.convert import CHAT_TYPES
from loyalteez.discord.dispatch import in_background, on, reads
from loyalteez.discord.replies import send
from loyalteez.services.drops import Drops, DropWatch, DropWatches
from loyalteez.services.drops import texts as say
from loyalteez.store import Scope

log = logging.getLogger("loyalteez.drops")
GUILD = {discord.InteractionContextType.guild}


class WatchesCog(commands.Cog):
    watch = discord.SlashCommandGroup(
        "watch", "Make every new message in a channel a reaction drop (admins)", contexts=GUILD
    )

    def __init__(self, bot: discord.Bot, gate: AdminGate, watches: DropWatches, drops: Drops) -> None:
        self.bot = bot
        self.gate = gate
        self.watches = watches
        self.drops = drops

    async def _scope(self, guild_id: int | None) -> Scope | None:
        return await self.gate.resolver.scope_of(guild_id) if guild_id else None

    async def droppable(self, ctx: discord.AutocompleteContext) -> list[str]:
        scope = await self._scope(ctx.interaction.guild_id)
        if scope is None:
            return []
        return await self.drops.droppable_events(scope, ctx.value or "")

    # -- /watch -----------------------------------------------------------------------------------------------

    @watch.command(name="start", description="Every new message in a channel becomes a reaction drop")
    @discord.option("channel", discord.TextChannel, description="The channel to watch")
    @discord.option(
        "event",
        str,
        description="The event each drop pays (trigger drop or none)",
        autocomplete=lambda ctx: ctx.cog.droppable(ctx),
    )
    @discord.option("emoji", str, required=False, description="The emoji to react with (default 🎉)")
    @discord.option(
        "lifespan", str, required=False, description="Each drop lasts: 5m … 168h (default 24h) or permanent"
    )
    async def watch_start(
        self,
        ctx: discord.ApplicationContext,
        channel: discord.TextChannel,
        event: str,
        emoji: str | None,
        lifespan: str | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        watch = await self.watches.start(
            scope,
            caller_of(ctx),
            str(channel.id),
            event,
            emoji,
            lifespan,
            channel_in_server=channel.guild.id == ctx.guild_id,
        )
        minutes = watch.lifespan_minutes
        await send(
            ctx,
            say.watch_started(
                str(channel.id), watch.event_id, watch.emoji, timedelta(minutes=minutes) if minutes else None
            ),
        )

    @watch.command(name="stop", description="Stop making drops of a channel's new messages")
    @discord.option("channel", discord.TextChannel, description="The watched channel")
    async def watch_stop(self, ctx: discord.ApplicationContext, channel: discord.TextChannel) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        await self.watches.stop(scope, caller_of(ctx), str(channel.id))
        await send(ctx, say.watch_stopped(str(channel.id)))

    @watch.command(name="list", description="Watched channels")
    async def watch_list(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        watches = await self.watches.listing(scope, caller_of(ctx))
        await send(
            ctx,
            "\n".join(
                say.watch_started(
                    w.channel_id,
                    w.event_id,
                    w.emoji,
                    timedelta(minutes=w.lifespan_minutes) if w.lifespan_minutes else None,
                )
                for w in watches
            )
            or say.NO_WATCHES,
        )

    # -- watched channels -------------------------------------------------------------------------------------

    @reads("message")
    async def message_read(self, message: ChatMessage) -> bool:
        """Done unless the channel is watched: reacting to the message needs py-cord's Message."""
        if not message.is_chat:
            return True
        scope = await self._scope(message.guild.id)
        return scope is None or self.watches.watch_for(scope, str(message.channel.id)) is None

    @on("message")
    async def message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id or message.type not in CHAT_TYPES:
            return
        scope = await self._scope(message.guild.id)
        watch = self.watches.watch_for(scope, str(message.channel.id)) if scope else None
        if scope is None or watch is None:
            return
        in_background(self.bot, "message", self._drop_on, scope, watch, message)

    async def _drop_on(self, scope: Scope, watch: DropWatch, message: discord.Message) -> None:
        """Make a watched channel's new message a reaction drop: react, then record it."""
        plan = await self.watches.plan_for(scope, watch, str(message.channel.id), str(message.id))
        if plan is None:
            return
        try:
            await message.add_reaction(plan.emoji)
        except discord.HTTPException as exc:
            log.warning("watched channel %s: could not react to %s: %s", message.channel.id, message.id, exc)
            return
        await self.drops.create(scope, plan, actor_id=None, message_id=str(message.id), actor_type="system")

    @on("ready")
    async def ready(self) -> None:
        """Load the watched channels of every connected server."""
        for guild in self.bot.guilds:
            scope = await self._scope(guild.id)
            if scope is not None:
                await self.watches.load(scope)
