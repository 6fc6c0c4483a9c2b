"""Voice: every voice state change re-syncs the server's sessions; /voice check and /voice claim.

The adapter only says who is where (VoicePresence: channel, deafened, bot); services/voice/service.py
decides what counts. When the bot (re)joins a server (READY, GUILD_CREATE after an outage, a new server),
the voice states Discord sends with it resume the sessions that were open.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from loyalteez.discord.convert import member_of
from loyalteez.discord.dispatch import on
from loyalteez.discord.replies import send
from loyalteez.discord.scoping import ScopeResolver
from loyalteez.services.access.setup import SetupService
from loyalteez.services.ticker import Ticker
from loyalteez.services.voice import VoicePresence, VoiceService
from loyalteez.services.voice import texts as say

log = logging.getLogger("loyalteez.voice")


def presences(guild: discord.Guild) -> list[VoicePresence]:
    """Everyone in a voice or stage channel of the server now, from the gateway's voice states."""
    found = []
    for channel in [*guild.voice_channels, *guild.stage_channels]:
        for member_id, state in channel.voice_states.items():
            member = guild.get_member(member_id)
            found.append(
                VoicePresence(
                    str(member_id),
                    str(channel.id),
                    bool(state.self_deaf or state.deaf),
                    bool(member.bot) if member is not None else False,
                )
            )
    return found


class VoiceCog(commands.Cog):
    voice = discord.SlashCommandGroup(
        "voice", "Your voice time and its rewards", contexts={discord.InteractionContextType.guild}
    )

    def __init__(
        self, bot: discord.Bot, setup: SetupService, resolver: ScopeResolver, service: VoiceService, ticker: Ticker
    ) -> None:
        self.bot = bot
        self.setup = setup
        self.resolver = resolver
        self.service = service
        self.ticker = ticker  # runs the sessions' heartbeat (services/ticker.py)

    async def sync(self, guild: discord.Guild) -> None:
        scope = await self.setup.scope_for(str(guild.id))
        if scope is None:
            return
        afk = str(guild.afk_channel.id) if guild.afk_channel else None
        await self.service.sync(scope, presences(guild), afk)

    @on("voice_state_update")
    async def voice_state_updated(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.bot:
            return
        await self.sync(member.guild)

    @on("ready")
    async def ready(self) -> None:
        for guild in self.bot.guilds:
            await self.sync(guild)
        self.ticker.start()  # idempotent; the heartbeat is one of its jobs

    @on("guild_available")
    async def guild_available(self, guild: discord.Guild) -> None:
        await self.sync(guild)

    @on("guild_join")
    async def guild_joined(self, guild: discord.Guild) -> None:
        await self.sync(guild)

    @voice.command(name="check", description="Your counted voice minutes and what they will pay")
    async def check(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        await send(ctx, say.progress(await self.service.progress(scope, str(ctx.author.id))))

    @voice.command(name="claim", description="Collect the LTZ your voice minutes have earned")
    async def claim(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        outcomes, after = await self.service.claim(scope, member_of(ctx.author, ctx.guild))
        await send(ctx, say.claim(outcomes, after))
