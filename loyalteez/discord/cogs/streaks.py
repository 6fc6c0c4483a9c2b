"""/daily and /streak (show, claim a milestone, leaderboard); rules in services/streaks/service.py."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from loyalteez.discord.acknowledge import public_reply
from loyalteez.discord.convert import member_of
from loyalteez.discord.dispatch import on
from loyalteez.discord.replies import send
from loyalteez.discord.scoping import ScopeResolver
from loyalteez.services.streaks import StreakService
from loyalteez.services.streaks import texts as say

log = logging.getLogger("loyalteez.streaks")
EVERYWHERE = {discord.InteractionContextType.guild, discord.InteractionContextType.bot_dm}
MEDALS = ("🥇", "🥈", "🥉")
ACTIONS = ["show", "claim", "leaderboard"]


class StreaksCog(commands.Cog):
    def __init__(self, resolver: ScopeResolver, service: StreakService) -> None:
        self.resolver = resolver
        self.service = service
        self._defaults_checked = False

    @on("ready")
    async def ready(self) -> None:
        """Once per process: servers connected before a release added default events get them now."""
        if self._defaults_checked:
            return
        self._defaults_checked = True
        added = await self.service.install_missing_events()
        for server_id, events in added.items():
            log.info("server %s got the default events it lacked: %s", server_id, ", ".join(events))

    @discord.slash_command(
        name="daily", description="Check in for today: your daily LTZ and your streak", contexts=EVERYWHERE
    )
    async def daily(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        result = await self.service.check_in(scope, member_of(ctx.author, ctx.guild), str(ctx.interaction.id))
        await send(ctx, say.checkin(result))

    @public_reply(when=lambda options: options.get("action") == "leaderboard")
    @discord.slash_command(
        name="streak", description="Your check-in streak, milestone claims, the top streaks", contexts=EVERYWHERE
    )
    @discord.option(
        "action",
        str,
        description="show (default), claim a milestone, or the leaderboard",
        choices=ACTIONS,
        default="show",
        required=False,
    )
    @discord.option(
        "milestone",
        int,
        description="For claim: the milestone (days); leave out to claim all",
        required=False,
        min_value=1,
        max_value=3650,
    )
    async def streak(self, ctx: discord.ApplicationContext, action: str, milestone: int | None) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        if action == "leaderboard":
            rows = await self.service.leaderboard(scope)
            embed = discord.Embed(title=say.LEADERBOARD_TITLE, colour=discord.Colour.orange())
            embed.description = (
                "\n".join(
                    say.leaderboard_line(
                        rank, member, current, longest, MEDALS[rank - 1] if rank <= 3 else f"`#{rank}`"
                    )
                    for rank, (member, current, longest) in enumerate(rows, start=1)
                )
                or say.NO_STREAKS
            )
            await send(ctx, embed=embed, ephemeral=False)
            return
        if action == "claim":
            results, status = await self.service.claim(scope, member_of(ctx.author, ctx.guild), milestone)
            await send(ctx, say.claims(results, status))
            return
        await send(ctx, say.status(await self.service.status(scope, str(ctx.author.id))))
