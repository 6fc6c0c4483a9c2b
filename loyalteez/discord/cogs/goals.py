"""/goal (admins), /goals (members), and reached-goal announcements in the admin channel."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.poster import GuildPoster
from loyalteez.discord.replies import send
from loyalteez.services.analytics.ports import PostResult, PostStatus, nonce_of
from loyalteez.services.common import texts as shared
from loyalteez.services.goals import TYPES, Goal, Goals
from loyalteez.services.goals import texts as say
from loyalteez.services.ticker import Ticker

log = logging.getLogger("loyalteez.goals")
GUILD = {discord.InteractionContextType.guild}
ANNOUNCE_EVERY = timedelta(minutes=1)


def goal_lines(goals: list[Goal], today: date) -> str:
    lines = []
    for goal in goals:
        status = goal.status(today)
        value = goal.shown_value(today)
        due = f" · by {goal.deadline.isoformat()}" if goal.deadline and status == "active" else ""
        best = f" · best day {goal.best:,g}" if goal.kind == "dau" and goal.best > value else ""
        lines.append(
            f"**{goal.name}** — {say.GOAL_STATUS[status]}{due}\n`{shared.bar(value, goal.target)}` "
            f"{say.amount(value, goal.target, goal.kind)}{best}"
        )
    return "\n".join(lines)


class GoalsCog(commands.Cog):
    goal = discord.SlashCommandGroup("goal", "Community goals the whole server works towards (admins)", contexts=GUILD)

    def __init__(self, bot: discord.Bot, gate: AdminGate, goals: Goals, ticker: Ticker) -> None:
        self.bot = bot
        self.poster = GuildPoster(bot)
        self.gate = gate
        self.goals = goals
        ticker.every(ANNOUNCE_EVERY, "goals.announce", self.announce, leader_only=True)

    async def names(self, ctx: discord.AutocompleteContext) -> list[str]:
        scope = await self.gate.resolver.scope_of(ctx.interaction.guild_id) if ctx.interaction.guild_id else None
        if scope is None:
            return []
        return await self.goals.names(scope, ctx.value or "")

    @goal.command(name="create", description="A target for the whole server, with a progress bar for everyone")
    @discord.option("name", str, description="Up to 50 characters")
    @discord.option(
        "type",
        str,
        choices=list(TYPES),
        description="users: earning members; dau: earners in one day; ltz_distributed; custom",
    )
    @discord.option("target", int, description="The number to reach: 1-1,000,000,000")
    @discord.option("deadline", str, required=False, description="Last day, YYYY-MM-DD (UTC); none = open-ended")
    async def create(
        self, ctx: discord.ApplicationContext, name: str, type: str, target: int, deadline: str | None
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        made = await self.goals.create(scope, caller_of(ctx), name=name, kind=type, target=target, deadline=deadline)
        await send(ctx, say.goal_created(made.name, made.kind, made.target, made.value, made.deadline))

    @goal.command(name="list", description="Every goal, including ended ones")
    async def list_(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        goals = await self.goals.listing(scope, caller_of(ctx))
        await send(ctx, goal_lines(goals, self.goals.today())[:2000] or say.NO_GOALS)

    @goal.command(name="progress", description="Move a custom goal (a negative amount corrects it)")
    @discord.option("name", str, description="The custom goal", autocomplete=lambda ctx: ctx.cog.names(ctx))
    @discord.option("amount", int, description="How much to add (negative to subtract)")
    async def progress(self, ctx: discord.ApplicationContext, name: str, amount: int) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        goal = await self.goals.progress(scope, caller_of(ctx), name, amount)
        await send(ctx, say.goal_moved(goal.name, goal.value, goal.target))

    @goal.command(name="end", description="Retire a goal (it stays in /goal list)")
    @discord.option("name", str, description="The goal", autocomplete=lambda ctx: ctx.cog.names(ctx))
    async def end(self, ctx: discord.ApplicationContext, name: str) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        goal = await self.goals.end(scope, caller_of(ctx), name)
        await send(ctx, say.goal_ended(goal.name))

    @discord.slash_command(name="goals", description="The community's goals and how close they are", contexts=GUILD)
    async def goals_(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.resolver.member_scope(ctx)
        if scope is None:
            return
        goals = await self.goals.current(scope)
        embed = discord.Embed(
            title="🎯 Community goals",
            colour=discord.Colour.green(),
            description=goal_lines(goals, self.goals.today())[:4000] or say.NO_GOALS,
        )
        await send(ctx, embed=embed)

    async def announce(self, now: datetime) -> None:
        """Reached goals, posted in each server's admin channel (a ticker job)."""
        await self.goals.announce(now, self._post)

    async def _post(self, server_id: str, channel_id: str | None, text: str, count: int) -> bool:
        """Post reached goals; False keeps them pending (tried again next minute)."""
        if not channel_id:
            log.info("server %s reached %d goal(s) but has no admin channel to announce them in", server_id, count)
            return True
        nonce = nonce_of("goals", server_id, text)  # the same pending goals, the same post
        sent = await self.poster.send(server_id, channel_id, "a goal announcement", content=text, nonce=nonce)
        # A channel of another server, or one gone, will not come back: the announcement is dropped, not retried.
        return not isinstance(sent, PostResult) or sent.status in (PostStatus.ELSEWHERE, PostStatus.MISSING)
