"""The py-cord bot: intents, cogs, and the error handling that keeps tracebacks away from members."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

import discord
from discord.ext import commands

from loyalteez.discord import gateway_reads, json_callbacks, redaction, resilience
from loyalteez.discord.acknowledge import autocomplete_in_time, defer_command
from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.cogs.achievements import AchievementsCog
from loyalteez.discord.cogs.activity import ActivityCog
from loyalteez.discord.cogs.admin import AdminCog
from loyalteez.discord.cogs.analytics import AnalyticsCog
from loyalteez.discord.cogs.boosts import BoostsCog
from loyalteez.discord.cogs.catchup import CatchupCog
from loyalteez.discord.cogs.config import ConfigCog
from loyalteez.discord.cogs.drops import DropsCog
from loyalteez.discord.cogs.export import ExportCog
from loyalteez.discord.cogs.goals import GoalsCog
from loyalteez.discord.cogs.help import HelpCog
from loyalteez.discord.cogs.member import MemberCog
from loyalteez.discord.cogs.perks import PerksCog
from loyalteez.discord.cogs.setup import SetupCog
from loyalteez.discord.cogs.streaks import StreaksCog
from loyalteez.discord.cogs.voice import VoiceCog
from loyalteez.discord.cogs.watches import WatchesCog
from loyalteez.discord.dispatch import Dispatcher
from loyalteez.discord.invite import invite_url
from loyalteez.discord.option_names import worded
from loyalteez.discord.options import no_nul_characters
from loyalteez.discord.poster import NO_PINGS
from loyalteez.discord.quick_answer import marked_only_reads, run_answering_at_once
from loyalteez.discord.replies import describe, send
from loyalteez.discord.scoping import ScopeResolver
from loyalteez.discord.special_messages import SpecialMessages
from loyalteez.services import texts
from loyalteez.services.access import texts as access_texts
from loyalteez.services.access.permissions import PermissionDenied
from loyalteez.services.container import Services
from loyalteez.services.errors import ScopeError, ValidationError

log = logging.getLogger("loyalteez.bot")


def bot_intents() -> discord.Intents:
    """Members and message content are privileged: enable them for the application in the developer portal."""
    intents = discord.Intents.default()
    intents.members = True
    intents.message_content = True
    intents.voice_states = True
    intents.reactions = True
    return intents


class LoyalteezBot(discord.Bot):
    def __init__(self, services: Services, **options: Any) -> None:
        options.setdefault("intents", bot_intents())
        # Every message, reply, follow-up and edit carries it: nothing the bot says pings anyone (names in it are
        # typed by members and admins); a post that ever needs a ping passes its own AllowedMentions.
        options["allowed_mentions"] = NO_PINGS
        options.setdefault("chunk_guilds_at_startup", False)
        # No feature reads py-cord's cache of recent messages (rewards read the gateway's raw events, drops
        # fetch their message): without it a reaction no longer scans up to 1,000 cached messages for its own.
        options.setdefault("max_messages", None)
        redaction.install()
        resilience.guard_frames()
        json_callbacks.install()
        gateway_reads.install()
        super().__init__(**options)
        self.dispatcher = Dispatcher(self)  # the features' event handlers and buttons (dispatch.py)
        resilience.guard_parsers(self._connection.parsers)
        self.dispatcher.backlog.intercept(self._connection.parsers)  # chat waits behind interactions
        self._invite_shown = False  # on_ready fires again after each reconnect; the link is logged once
        self.services = services
        self.add_check(no_nul_characters, call_once=True)  # every command's string options, before it runs
        self.add_cog(SetupCog(services.setup))
        self.add_cog(HelpCog(self, services.setup))
        self.add_cog(
            ActivityCog(self, services.setup, services.rewards, reactions_at_message_time=services.history_replay)
        )
        special = SpecialMessages(self, services.boosts, services.levelups)  # live and caught up alike
        self.add_cog(CatchupCog(self, services.setup, services.catchup, special, self.dispatcher.backlog))
        resolver = ScopeResolver(services.setup)
        self.add_cog(MemberCog(self, resolver, services.rewards, services.standings))
        gate = AdminGate(resolver)
        self.add_cog(ConfigCog(gate, services.rewards, services.streaks, services.web))
        self.add_cog(AdminCog(gate, services.rewards))
        self.add_cog(ExportCog(gate, services.exports))
        self.add_cog(AnalyticsCog(self, gate, services.analytics))
        self.add_cog(DropsCog(self, gate, services.drops, services.ticker))
        self.add_cog(WatchesCog(self, gate, services.watches, services.drops))
        self.add_cog(AchievementsCog(self, gate, services.achievements, services.ticker))
        self.add_cog(GoalsCog(self, gate, services.goals, services.ticker))
        self.add_cog(PerksCog(gate, services.perks))
        self.add_cog(StreaksCog(resolver, services.streaks))
        self.add_cog(VoiceCog(self, services.setup, resolver, services.voice, services.ticker))
        self.add_cog(BoostsCog(services.setup, special))

    # -- events and interactions: acknowledged first, routed by one dispatcher -----------------------------

    def add_cog(self, cog: commands.Cog, *, override: bool = False) -> None:
        super().add_cog(cog, override=override)
        self.dispatcher.collect(cog)

    def remove_cog(self, name: str) -> commands.Cog | None:
        cog = super().remove_cog(name)
        if cog is not None:
            self.dispatcher.forget(cog)
        return cog

    def dispatch(self, event: str, *args: Any, **kwargs: Any) -> None:
        if event == "socket_event_type" and not self._listeners.get(event):
            return  # py-cord announces every frame's type; nothing here listens, and it cost a dispatch per frame
        super().dispatch(event, *args, **kwargs)  # wait_for() futures and the bot's own on_<event>
        dispatcher = getattr(self, "dispatcher", None)
        if dispatcher is not None:
            dispatcher.dispatch(event, args)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        with self.dispatcher.answering.one():
            if interaction.type == discord.InteractionType.component:
                try:
                    await self.dispatcher.click(interaction)
                except Exception as exc:
                    await self._refused(interaction, exc, f"button {interaction.custom_id or '?'!r}")
                return
            await self.process_application_commands(interaction)

    async def invoke_application_command(self, ctx: discord.ApplicationContext) -> None:
        """Acknowledge first (within Discord's 3 s, whatever the database costs), then run the command; one that
        only reads runs at once and is deferred only when its answer is slow (quick_answer.py)."""
        if marked_only_reads(ctx.command):
            invoke = super().invoke_application_command
            await run_answering_at_once(ctx, lambda: invoke(ctx), self.dispatcher.acknowledging)
        elif await defer_command(ctx, self.dispatcher.acknowledging):
            await super().invoke_application_command(ctx)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            await self.dispatcher.acknowledging.close()

    async def on_application_command_auto_complete(
        self, interaction: discord.Interaction, command: discord.ApplicationCommand[Any, Any, Any]
    ) -> None:
        ctx = await self.get_autocomplete_context(interaction)
        interaction.command = command
        await autocomplete_in_time(command, ctx)

    async def on_ready(self) -> None:
        for guild in self.guilds:
            scope = await self.services.setup.scope_for(str(guild.id))
            link = f"brand {scope.brand_id}" if scope else "not connected"
            log.info("serving guild %s (%s): %s members, %s", guild.id, guild.name, guild.member_count, link)
        log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))
        if not self._invite_shown and self.application_id is not None:
            self._invite_shown = True
            log.info("invite link (adds the bot to a server you manage): %s", invite_url(self.application_id))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        log.info("added to guild %s (%s)", guild.id, guild.name)

    async def on_application_command_error(
        self, ctx: discord.ApplicationContext, error: discord.DiscordException
    ) -> None:
        cause = getattr(error, "original", error)
        if isinstance(error, commands.CheckFailure | discord.CheckFailure):
            await send(ctx, str(error) or access_texts.NEEDS_MANAGE_SERVER)
            return
        if isinstance(error, commands.NoPrivateMessage):
            await send(ctx, texts.GUILD_ONLY)
            return
        if isinstance(cause, ValidationError):
            log.info("%s refused: %s", describe(ctx), cause)
            await send(ctx, worded(cause.message, getattr(ctx.command, "options", None) or ()))
            return
        if isinstance(cause, PermissionDenied | ScopeError):
            await send(ctx, str(cause))
            return
        log.error("%s failed: %s: %s", describe(ctx), type(cause).__name__, cause)
        log.debug("traceback for %s", describe(ctx), exc_info=cause)
        await send(ctx, texts.UNEXPECTED)

    async def _refused(self, interaction: discord.Interaction, exc: Exception, what: str) -> None:
        """A button whose handler raised: the member still gets one short sentence, the log one line."""
        if isinstance(exc, ValidationError):
            await send(interaction, exc.message)
            return
        if isinstance(exc, PermissionDenied | ScopeError):
            await send(interaction, str(exc))
            return
        where = f"{what} guild={interaction.guild_id} user={interaction.user.id if interaction.user else '?'}"
        log.error("%s failed: %s: %s", where, type(exc).__name__, exc)
        log.debug("traceback for %s", where, exc_info=exc)
        await send(interaction, texts.UNEXPECTED)

    async def on_error(self, event_method: str, *args: Any, **kwargs: Any) -> None:
        """A failing event handler logs one line and the bot goes on."""
        exc = sys.exc_info()[1]
        if self.is_closed():  # a handler still running when the bot stopped: the stop is not an error
            log.info("event %s interrupted by shutdown: %s: %s", event_method, type(exc).__name__, exc)
            return
        log.error("event %s failed: %s: %s", event_method, type(exc).__name__, exc)
        log.debug("traceback for event %s", event_method, exc_info=exc)


class ShardedLoyalteezBot(LoyalteezBot, discord.AutoShardedBot):  # type: ignore[misc]
    """The same bot on py-cord's sharded client: one gateway connection per shard this process serves.

    Discord sends a guild's events to shard `(guild_id >> 22) % shard_count`; other processes may serve the
    other shards of the same bot against the same PostgreSQL database.
    """

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("shard %s of %s ready", shard_id, self.shard_count)


def make_bot(
    services: Services, *, shard_count: int | None = None, shard_ids: Sequence[int] | None = None, **options: Any
) -> LoyalteezBot:
    """The plain client for one connection, the sharded one when a shard count is set."""
    if shard_count is None:
        return LoyalteezBot(services, **options)
    return ShardedLoyalteezBot(
        services, shard_count=shard_count, shard_ids=list(shard_ids) if shard_ids is not None else None, **options
    )
