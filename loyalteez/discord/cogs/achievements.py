"""/achievement (admins), /achievements with Claim buttons (members), and the unlocked-achievement DMs.

Announcements: a member who completes achievements gets ONE direct message per minute at most, listing
everything they completed since the last one (the notices outbox, sent by a clock-driven job). DMs rather
than a public channel: an achievement is the member's own news, and a busy server's channel would fill with
them. A member whose DMs are closed is not told (one log line); /achievements shows it anyway.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.convert import member_of
from loyalteez.discord.dispatch import clicks
from loyalteez.discord.quick_answer import only_reads
from loyalteez.discord.replies import send
from loyalteez.services import texts
from loyalteez.services.achievements import TYPES, Achievements, MemberAchievement
from loyalteez.services.achievements import texts as say
from loyalteez.services.analytics.ports import nonce_of
from loyalteez.services.common import texts as shared
from loyalteez.services.ticker import Ticker

log = logging.getLogger("loyalteez.achievements")
GUILD = {discord.InteractionContextType.guild}
PREFIX = "ach:"
ANNOUNCE_EVERY = timedelta(minutes=1)


def render(rows: list[MemberAchievement], name: str) -> tuple[discord.Embed, discord.ui.View | None]:
    embed = discord.Embed(title=f"🏆 {name}'s achievements", colour=discord.Colour.purple())
    lines = []
    for row in rows:
        a = row.achievement
        mark = "✅" if row.completed else "▫️"
        state = " · claimed" if row.claimed else (" · **claim it below**" if row.claimable else "")
        about = f" — {a.description}" if a.description else ""
        lines.append(
            f"{mark} **{a.name}**{about}\n`{shared.bar(row.progress, a.threshold)}` "
            f"{row.progress:,}/{a.threshold:,} {say.TYPE_UNITS.get(a.kind, '')} · {a.reward:,} LTZ{state}"
        )
    embed.description = "\n".join(lines)[:4000] or say.NO_ACHIEVEMENTS
    claimable = [r for r in rows if r.claimable][:25]
    if not claimable:
        return embed, None
    view = discord.ui.View(timeout=None)
    for row in claimable:
        view.add_item(
            discord.ui.Button(
                label=f"Claim {row.achievement.name}"[:80],
                style=discord.ButtonStyle.success,
                custom_id=f"{PREFIX}{row.achievement.id}",
            )
        )
    view.stop()  # answered by claim_click from the custom_id
    return embed, view


class AchievementsCog(commands.Cog):
    achievement = discord.SlashCommandGroup(
        "achievement", "Achievements members unlock by taking part (admins)", contexts=GUILD
    )

    def __init__(self, bot: discord.Bot, gate: AdminGate, achievements: Achievements, ticker: Ticker) -> None:
        self.bot = bot
        self.gate = gate
        self.achievements = achievements
        ticker.every(ANNOUNCE_EVERY, "achievements.announce", self.announce, leader_only=True)

    async def names(self, ctx: discord.AutocompleteContext) -> list[str]:
        scope = await self.gate.resolver.scope_of(ctx.interaction.guild_id) if ctx.interaction.guild_id else None
        if scope is None:
            return []
        return await self.achievements.names(scope, ctx.value or "")

    @achievement.command(name="create", description="A milestone members unlock, with an LTZ reward to claim")
    @discord.option("name", str, description="Up to 50 characters, unique on this server")
    @discord.option("type", str, choices=list(TYPES), description="What counts towards it")
    @discord.option("threshold", int, description="How many (messages, hours, days, LTZ, ...): 1-1,000,000")
    @discord.option("reward", int, description="LTZ paid when claimed: 0-10,000 (0: a badge)")
    @discord.option("description", str, required=False, description="What it is for (shown to members)")
    async def create(
        self,
        ctx: discord.ApplicationContext,
        name: str,
        type: str,
        threshold: int,
        reward: int,
        description: str | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        made, done = await self.achievements.create(
            scope, caller_of(ctx), name=name, description=description, kind=type, threshold=threshold, reward=reward
        )
        await send(ctx, say.achievement_created(made.name, made.kind, made.threshold, made.reward, done))

    @achievement.command(name="edit", description="Change an achievement's description, threshold or reward")
    @discord.option("name", str, description="The achievement", autocomplete=lambda ctx: ctx.cog.names(ctx))
    @discord.option("description", str, required=False, description="New description")
    @discord.option("type", str, choices=list(TYPES), required=False, description="(cannot change)")
    @discord.option("threshold", int, required=False, description="1-1,000,000")
    @discord.option("reward", int, required=False, description="0-10,000 LTZ")
    async def edit(
        self,
        ctx: discord.ApplicationContext,
        name: str,
        description: str | None,
        type: str | None,
        threshold: int | None,
        reward: int | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        a = await self.achievements.edit(
            scope, caller_of(ctx), name, description=description, kind=type, threshold=threshold, reward=reward
        )
        await send(ctx, say.achievement_updated(a.name, a.kind, a.threshold, a.reward))

    @achievement.command(name="toggle", description="Turn an achievement off or on")
    @discord.option("name", str, description="The achievement", autocomplete=lambda ctx: ctx.cog.names(ctx))
    async def toggle(self, ctx: discord.ApplicationContext, name: str) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        a = await self.achievements.toggle(scope, caller_of(ctx), name)
        await send(ctx, say.achievement_toggled(a.name, a.active))

    @achievement.command(name="list", description="Every achievement and how many members completed it")
    async def list_(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        rows = await self.achievements.listing(scope, caller_of(ctx))
        await send(
            ctx,
            "\n".join(say.achievement_line(a.name, a.kind, a.threshold, a.reward, a.active, done) for a, done in rows)
            or say.NO_ACHIEVEMENTS,
        )

    @only_reads
    @discord.slash_command(
        name="achievements", description="Your achievements: progress, and rewards to claim", contexts=GUILD
    )
    async def mine(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.resolver.member_scope(ctx)
        if scope is None:
            return
        rows = await self.achievements.of_member(scope, str(ctx.author.id))
        embed, view = render(rows, ctx.author.display_name)
        await send(ctx, embed=embed, view=view)

    @clicks(PREFIX)
    async def claim_click(self, interaction: discord.Interaction, achievement_id: str) -> None:
        scope = await self.gate.resolver.scope_of(interaction.guild_id or 0)
        if scope is None:
            await send(interaction, texts.NOT_CONNECTED)
            return
        result = await self.achievements.claim(scope, member_of(interaction.user, interaction.guild), achievement_id)
        await send(interaction, result.text)

    # -- announcements (a ticker job) --------------------------------------------------------------------

    async def announce(self, now: datetime) -> None:
        await self.achievements.announce(now, self._dm)

    async def _dm(self, member_id: str, text: str) -> None:
        try:
            user = self.bot.get_user(int(member_id)) or await self.bot.fetch_user(int(member_id))
            # The same pending notices, the same nonce: a DM sent again by another process is not sent twice.
            await user.send(text, nonce=nonce_of("achievements", member_id, text), enforce_nonce=True)
        except discord.HTTPException as exc:
            log.info("could not DM %s about an achievement: %s", member_id, exc)
