"""Admin commands outside /config: /reward (manual payouts), /stats and /audit."""

from __future__ import annotations

import io

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.convert import member_of
from loyalteez.discord.replies import send
from loyalteez.services import admin_reads
from loyalteez.services.admin_reads import AuditEntry
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.services.rewards.events import ManualReward
from loyalteez.services.rewards.outcomes import Paid
from loyalteez.services.rewards.service import Rewards

GUILD = {discord.InteractionContextType.guild}


def audit_line(entry: AuditEntry) -> str:
    when = f"<t:{int(entry.created_at.timestamp())}:f>" if entry.created_at else "?"
    target = f" → <@{entry.target_user_id}>" if entry.target_user_id else ""
    actor = f"<@{entry.actor_id}>" if entry.actor_type in ("admin", "user") else entry.actor_type
    test = " [test]" if entry.is_test else ""
    return f"{when} {actor} `{entry.action}`{target}{test}"


class AdminCog(commands.Cog):
    def __init__(self, gate: AdminGate, rewards: Rewards) -> None:
        self.gate = gate
        self.rewards = rewards

    @discord.slash_command(
        name="reward", description="Pay a member for an event, through the normal rules", contexts=GUILD
    )
    @discord.option("member", discord.Member, description="Who to reward")
    @discord.option(
        "event",
        str,
        description="The event paid (its rules and caps apply)",
        autocomplete=lambda ctx: ctx.bot.get_cog("ConfigCog").event_names(ctx),
    )
    @discord.option("amount", int, required=False, description="LTZ, 1-10,000 (default: the event's amount)")
    @discord.option("reason", str, required=False, description="Why (kept in the audit log, 500 characters max)")
    async def reward(
        self,
        ctx: discord.ApplicationContext,
        member: discord.Member,
        event: str,
        amount: int | None,
        reason: str | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        request = ManualReward(
            str(ctx.interaction.id),
            str(ctx.author.id),
            member_of(member, ctx.guild),
            event.strip().lower(),
            amount,
            reason,
        )
        outcome = await self.rewards.admin.reward(scope, caller_of(ctx), request)
        if isinstance(outcome, Paid):
            await send(ctx, f"{member.mention} received {outcome.amount:,} LTZ for `{outcome.event}`.")
        else:
            await send(ctx, getattr(outcome, "message", reward_texts.refusal(outcome.reason, event)))

    @discord.slash_command(
        name="stats", description="LTZ paid, payouts and earning members over a period", contexts=GUILD
    )
    @discord.option(
        "period",
        str,
        choices=["day", "week", "month"],
        default="week",
        required=False,
        description="Today, the last 7 days or the last 30 days",
    )
    @discord.option("breakdown", str, choices=["events", "users"], required=False, description="Split the totals")
    async def stats(self, ctx: discord.ApplicationContext, period: str, breakdown: str | None) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        result = await self.rewards.admin.stats(scope, caller_of(ctx), period, breakdown)
        embed = discord.Embed(title=f"Rewards since {result.since:%d %b %Y} (UTC)", colour=discord.Colour.teal())
        embed.add_field(name="LTZ paid", value=f"{result.ltz:,}")
        embed.add_field(name="Payouts", value=f"{result.payouts:,}")
        embed.add_field(name="Earning members", value=f"{result.members:,}")
        if breakdown:
            name = (lambda n: f"`{n}`") if breakdown == "events" else (lambda n: f"<@{n}>")
            embed.add_field(
                name=f"By {breakdown[:-1]}",
                inline=False,
                value="\n".join(
                    f"{name(line.name)}: {line.ltz:,} LTZ ({line.payouts} payouts)" for line in result.breakdown
                )[:1024]
                or "nothing yet",
            )
        await send(ctx, embed=embed)

    @discord.slash_command(name="audit", description="The last 25 admin actions, newest first", contexts=GUILD)
    @discord.option("member", discord.Member, required=False, description="Only actions on this member")
    @discord.option("type", str, choices=["config", "rewards"], required=False, description="Config or payouts")
    @discord.option("event", str, required=False, description="Only actions about this event", max_length=32)
    @discord.option("export", bool, required=False, default=False, description="Attach them as CSV")
    async def audit(
        self,
        ctx: discord.ApplicationContext,
        member: discord.Member | None,
        type: str | None,
        event: str | None,
        export: bool,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        entries = await self.rewards.admin.audit(
            scope,
            caller_of(ctx),
            str(member.id) if member else None,
            type,
            event.strip().lower() if event else None,
        )
        text = "\n".join(audit_line(e) for e in entries) or "No matching audit entries."
        file = discord.File(io.BytesIO(admin_reads.audit_csv(entries)), filename="audit.csv") if export else None
        await send(ctx, text, file=file)
