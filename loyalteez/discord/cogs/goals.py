"""/goal (admins), /goals (members), and reached-goal announcements in the admin channel."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord
from discord.ext import commands

from loyalteez.clock import utc_day
from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.replies import send
from loyalteez.services import engagement_messages as say
from loyalteez.services import notices
from loyalteez.services.access.permissions import ADMIN_CHANNEL_KEY, Level
from loyalteez.services.goals import TYPES, Goal, Goals
from loyalteez.services.ticker import Ticker
from loyalteez.store import Scope

log = logging.getLogger("loyalteez.goals")
GUILD = {discord.InteractionContextType.guild}
ANNOUNCE_EVERY = timedelta(minutes=1)


def goal_lines(goals: list[Goal], now: datetime) -> str:
    today = utc_day(now)
    lines = []
    for goal in goals:
        status = goal.status(today)
        value = goal.shown_value(today)
        unit = say.GOAL_UNITS[goal.kind]
        due = f" · by {goal.deadline.isoformat()}" if goal.deadline and status == "active" else ""
        best = f" · best day {goal.best:,g}" if goal.kind == "dau" and goal.best > value else ""
        lines.append(
            f"**{goal.name}** — {say.GOAL_STATUS[status]}{due}\n`{say.bar(value, goal.target)}` "
            f"{value:,g}/{goal.target:,g} {unit}{best}"
        )
    return "\n".join(lines)


class GoalsCog(commands.Cog):
    goal = discord.SlashCommandGroup("goal", "Community goals the whole server works towards (admins)", contexts=GUILD)

    def __init__(self, bot: discord.Bot, gate: AdminGate, goals: Goals, ticker: Ticker) -> None:
        self.bot = bot
        self.gate = gate
        self.goals = goals
        ticker.every(ANNOUNCE_EVERY, "goals.announce", self.announce)

    async def names(self, ctx: discord.AutocompleteContext) -> list[str]:
        scope = await self.gate.resolver.scope_of(ctx.interaction.guild_id) if ctx.interaction.guild_id else None
        if scope is None:
            return []
        typed = (ctx.value or "").lower()
        return [n for n in await self.goals.names(self.gate.resolver.store.scoped(scope)) if typed in n.lower()][:25]

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
        data = await self.gate.open(ctx, Level.EVENT_MANAGER)
        if data is None:
            return
        made = await self.goals.create(data, str(ctx.author.id), name=name, kind=type, target=target, deadline=deadline)
        await send(ctx, say.goal_created(made.name, made.kind, made.target, made.value, made.deadline))

    @goal.command(name="list", description="Every goal, including ended ones")
    async def list_(self, ctx: discord.ApplicationContext) -> None:
        data = await self.gate.open(ctx, Level.VIEWER)
        if data is None:
            return
        goals = await self.goals.listing(data, include_ended=True)
        await send(ctx, goal_lines(goals, self.goals.clock.now())[:2000] or say.NO_GOALS)

    @goal.command(name="progress", description="Move a custom goal (a negative amount corrects it)")
    @discord.option("name", str, description="The custom goal", autocomplete=lambda ctx: ctx.cog.names(ctx))
    @discord.option("amount", int, description="How much to add (negative to subtract)")
    async def progress(self, ctx: discord.ApplicationContext, name: str, amount: int) -> None:
        data = await self.gate.open(ctx, Level.EVENT_MANAGER)
        if data is None:
            return
        goal = await self.goals.progress(data, str(ctx.author.id), name, amount)
        await send(ctx, say.goal_moved(goal.name, goal.value, goal.target))

    @goal.command(name="end", description="Retire a goal (it stays in /goal list)")
    @discord.option("name", str, description="The goal", autocomplete=lambda ctx: ctx.cog.names(ctx))
    async def end(self, ctx: discord.ApplicationContext, name: str) -> None:
        data = await self.gate.open(ctx, Level.EVENT_MANAGER)
        if data is None:
            return
        goal = await self.goals.end(data, str(ctx.author.id), name)
        await send(ctx, say.goal_ended(goal.name))

    @discord.slash_command(name="goals", description="The community's goals and how close they are", contexts=GUILD)
    async def goals_(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.resolver.member_scope(ctx)
        if scope is None:
            return
        goals = await self.goals.listing(self.gate.resolver.store.scoped(scope), include_ended=False)
        embed = discord.Embed(
            title="🎯 Community goals",
            colour=discord.Colour.green(),
            description=goal_lines(goals, self.goals.clock.now())[:4000] or say.NO_GOALS,
        )
        await send(ctx, embed=embed)

    async def announce(self, now: datetime) -> None:
        """Reached goals, posted in each server's admin channel (a ticker job)."""
        store = self.gate.resolver.store
        for link in await store.active_servers():
            data = store.scoped(Scope(link["brand_id"], link["server_id"]))
            pending = await notices.pending(data, "goal")
            if not pending:
                continue
            channel_id = (await data.rewards.metadata()).get(ADMIN_CHANNEL_KEY)
            channel = self.bot.get_channel(int(channel_id)) if channel_id else None
            if channel is None:
                log.info(
                    "server %s reached %d goal(s) but has no admin channel to announce them in",
                    link["server_id"],
                    len(pending),
                )
            else:
                text = "\n".join(
                    say.goal_reached(r.details["name"], r.details["value"], r.details["target"], r.details["kind"])
                    for r in pending
                )
                try:
                    await channel.send(text[:2000])
                except discord.HTTPException as exc:
                    log.warning("could not announce goals in %s: %s", channel_id, exc)
                    continue  # kept pending: tried again next minute
            await notices.mark_sent(data, [r.notice_id for r in pending], now)
