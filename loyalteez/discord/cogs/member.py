"""Member commands: /join, /balance, /claim, /leaderboard, /link."""

from __future__ import annotations

import discord
from discord.ext import commands

from loyalteez.discord.acknowledge import public_reply
from loyalteez.discord.convert import member_of, parent_of
from loyalteez.discord.dispatch import clicks
from loyalteez.discord.quick_answer import only_reads
from loyalteez.discord.replies import send, update_clicked
from loyalteez.discord.scoping import ScopeResolver
from loyalteez.services import standings, texts
from loyalteez.services.rewards import status
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.services.rewards.events import ClaimRequest
from loyalteez.services.rewards.outcomes import Paid
from loyalteez.services.rewards.service import Rewards
from loyalteez.services.standings import StandingsService

MEDALS = ("🥇", "🥈", "🥉")
LEADERBOARD_PREFIX = "lb"
EVERYWHERE = {discord.InteractionContextType.guild, discord.InteractionContextType.bot_dm}


def outcome_text(outcome: object) -> str:
    if isinstance(outcome, Paid):
        return reward_texts.paid(outcome)
    return getattr(outcome, "message", str(outcome))


class MemberCog(commands.Cog):
    def __init__(
        self, bot: discord.Bot, resolver: ScopeResolver, rewards: Rewards, standings: StandingsService
    ) -> None:
        self.bot = bot
        self.resolver = resolver
        self.rewards = rewards
        self.standings = standings

    @discord.slash_command(
        name="join", description="Join the rewards program and collect your welcome LTZ", contexts=EVERYWHERE
    )
    async def join(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        request = ClaimRequest(
            str(ctx.interaction.id),
            member_of(ctx.author, ctx.guild),
            "welcome",
            str(ctx.channel_id),
            parent_of(ctx.channel),
        )
        await send(ctx, outcome_text(await self.rewards.join(scope, request)))

    @discord.slash_command(
        name="claim", description="Claim a reward event that is claimed by command", contexts=EVERYWHERE
    )
    @discord.option(
        "event", str, description="The event to claim", max_length=32, autocomplete=lambda ctx: ctx.cog.claimable(ctx)
    )
    async def claim(self, ctx: discord.ApplicationContext, event: str) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        request = ClaimRequest(
            str(ctx.interaction.id),
            member_of(ctx.author, ctx.guild),
            event.strip().lower(),
            str(ctx.channel_id),
            parent_of(ctx.channel),
        )
        await send(ctx, outcome_text(await self.rewards.claim(scope, request)))

    async def claimable(self, ctx: discord.AutocompleteContext) -> list[str]:
        if ctx.interaction.guild_id is None:
            return []
        scope = await self.resolver.scope_of(ctx.interaction.guild_id)
        if scope is None:
            return []
        typed = (ctx.value or "").lower()
        names = await status.claimable_events(self.rewards, scope)
        return [n for n in names if typed in n][:25]

    @only_reads
    @discord.slash_command(
        name="balance", description="Your LTZ: earned, spent, available, rank and today", contexts=EVERYWHERE
    )
    async def balance(self, ctx: discord.ApplicationContext) -> None:
        if ctx.guild_id is None:
            await send(ctx, await self.standings.dm_balances(str(ctx.author.id)))
            return
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        mine = await self.standings.balance(scope, str(ctx.author.id))
        embed = discord.Embed(title=f"{ctx.author.display_name}'s LTZ", colour=discord.Colour.gold())
        embed.add_field(name="Earned", value=f"{mine.earned:,}")
        embed.add_field(name="Spent", value=f"{mine.spent:,}")
        embed.add_field(name="Available", value=f"{mine.available:,}")
        embed.add_field(name="Rank", value=f"#{mine.rank} of {mine.ranked}" if mine.rank else "not ranked yet")
        embed.add_field(name="Today", value=f"{mine.today:,}")
        await send(ctx, embed=embed)

    @only_reads
    @public_reply()
    @discord.slash_command(name="leaderboard", description="Top members by LTZ, activity, claims or voice")
    @discord.option(
        "type",
        str,
        description="What to rank by",
        choices=list(standings.BOARD_TITLES),
        default="ltz_earned",
        required=False,
    )
    @discord.option(
        "period", str, description="Over which period", choices=list(standings.PERIODS), default="all", required=False
    )
    async def leaderboard(self, ctx: discord.ApplicationContext, type: str, period: str) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        board = await self.standings.leaderboard(scope, type, period, 1, str(ctx.author.id))
        await send(ctx, embed=render_board(board, ctx.guild), view=board_buttons(board), ephemeral=False)

    @clicks(LEADERBOARD_PREFIX + ":", updates_message=True)
    async def page(self, interaction: discord.Interaction, state: str) -> None:
        """Leaderboard paging buttons carry their state in the custom_id, so they work after a restart."""
        kind, period, page = [*state.split(":"), "", "", ""][:3]
        scope = await self.resolver.scope_of(interaction.guild_id or 0)
        if scope is None or not page.isdigit():
            await send(interaction, texts.NOT_CONNECTED)
            return
        assert interaction.user is not None, "a button click always carries its user"
        board = await self.standings.leaderboard(scope, kind, period, int(page), str(interaction.user.id))
        await update_clicked(interaction, embed=render_board(board, interaction.guild), view=board_buttons(board))

    @only_reads
    @discord.slash_command(name="cooldowns", description="When you can earn each event again", contexts=EVERYWHERE)
    async def cooldowns(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.resolver.member_scope(ctx)
        if scope is None:
            return
        rows = await status.cooldowns(self.rewards, scope, member_of(ctx.author, ctx.guild), self.resolver.clock.now())
        await send(ctx, "\n".join(reward_texts.cooldown_line(row) for row in rows) or reward_texts.NO_LIMITS)

    @only_reads
    @discord.slash_command(name="link", description="What your Discord account is linked to", contexts=EVERYWHERE)
    async def link(self, ctx: discord.ApplicationContext) -> None:
        await send(ctx, texts.link_placeholder(str(ctx.author.id)))


def render_board(board: standings.Board, guild: discord.Guild | None) -> discord.Embed:
    embed = discord.Embed(title=f"🏆 {board.title}", colour=discord.Colour.gold())
    lines = []
    for row in board.rows:
        badge = MEDALS[row.rank - 1] if row.rank <= 3 else f"`#{row.rank}`"
        mark = " ◀ you" if board.caller and row.member_id == board.caller.member_id else ""
        lines.append(f"{badge} <@{row.member_id}> — **{row.value:,}**{mark}")
    embed.description = "\n".join(lines) or "Nobody has earned anything here yet."
    you = f"Your rank: #{board.caller.rank} ({board.caller.value:,})" if board.caller else "You are not ranked yet"
    embed.set_footer(text=f"{you} · page {board.page}/{board.pages}")
    return embed


def board_buttons(board: standings.Board) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for label, page, disabled in (
        ("◀ Prev", board.page - 1, board.page <= 1),
        ("Next ▶", board.page + 1, board.page >= board.pages),
    ):
        view.add_item(
            discord.ui.Button(
                label=label,
                disabled=disabled,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{LEADERBOARD_PREFIX}:{board.kind}:{board.period}:{page}",
            )
        )
    view.stop()  # answered by `page` from the custom_id, not kept in memory
    return view
