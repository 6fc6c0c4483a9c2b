"""/kpi, /segments and /report, the member-join listener, and starting the analytics scheduler.

Handlers only translate: Discord options -> analytics services -> an ephemeral reply (a report itself is
posted in its channel by the service, through GuildPoster). Rules, wording and numbers live in
loyalteez.services.analytics; a ValidationError raised there becomes a one-line ephemeral reply.
"""

from __future__ import annotations

import io
import logging

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.dispatch import clicks, on
from loyalteez.discord.poster import GuildPoster
from loyalteez.discord.replies import send, update_clicked
from loyalteez.services import texts as common_texts
from loyalteez.services.access.permissions import PermissionDenied
from loyalteez.services.analytics import input, reports, segments, targets, texts
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.services.analytics.service import Analytics
from loyalteez.services.errors import ValidationError

log = logging.getLogger("loyalteez.analytics")
GUILD = {discord.InteractionContextType.guild}
SEGMENT_PREFIX = "seg"
REPORT_PERMISSIONS = ("view_channel", "send_messages", "embed_links", "attach_files")


def metric_names(ctx: discord.AutocompleteContext) -> list[str]:
    typed = (ctx.value or "").lower()
    return [m for m in KPIS.targetable() if typed in m]


def target_text(t: targets.Target) -> str:
    return texts.target_state(t.metric, t.target, t.period, t.threshold, t.active, t.alerting)


def render_segment(page: segments.SegmentPage) -> discord.Embed:
    embed = discord.Embed(title=texts.SEGMENT_TITLES[page.segment], colour=discord.Colour.blurple())
    start = (page.page - 1) * segments.PAGE_SIZE
    embed.description = (
        "\n".join(
            texts.segment_row(start + i + 1, member, page.segment, value) for i, (member, value) in enumerate(page.rows)
        )
        or texts.SEGMENT_EMPTY
    )
    embed.set_footer(text=texts.segment_footer(page.total, page.page, page.pages))
    return embed


def segment_buttons(page: segments.SegmentPage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for label, number, disabled in (
        ("◀ Prev", page.page - 1, page.page <= 1),
        ("Next ▶", page.page + 1, page.page >= page.pages),
    ):
        view.add_item(
            discord.ui.Button(
                label=label,
                disabled=disabled,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{SEGMENT_PREFIX}:{page.segment}:{number}",
            )
        )
    view.stop()  # answered by segment_click from the custom_id, so the buttons work after a restart
    return view


class AnalyticsCog(commands.Cog):
    kpi = discord.SlashCommandGroup("kpi", "KPI targets, alerts, reports and exports (admins)", contexts=GUILD)
    report = discord.SlashCommandGroup("report", "Scheduled KPI reports with a chart (admins)", contexts=GUILD)

    def __init__(self, bot: discord.Bot, gate: AdminGate, analytics: Analytics) -> None:
        self.bot = bot
        self.gate = gate
        self.analytics = analytics

    # -- lifecycle and listeners -----------------------------------------------------------------------------

    @on("ready")
    async def ready(self) -> None:
        """Start the scheduler once connected (idempotent): its first run catches up what was missed."""
        self.analytics.start(GuildPoster(self.bot))

    @on("member_join")
    async def member_joined(self, member: discord.Member) -> None:
        scope = await self.gate.resolver.scope_of(member.guild.id)
        if scope is not None:
            await self.analytics.member_joined(scope, str(member.id), member.bot, member.joined_at)

    # -- /kpi ---------------------------------------------------------------------------------------------------

    @kpi.command(name="set", description="Set a KPI's target and when to alert")
    @discord.option("metric", str, description=f"One of the {len(KPIS.targetable())} KPIs", autocomplete=metric_names)
    @discord.option("target", str, description="A number, or for shares 0-1 or a percentage (60%)")
    @discord.option(
        "period",
        str,
        choices=list(input.PERIOD_DAYS),
        required=False,
        description="Compare the metric's average over a day, week (default), month or quarter",
    )
    @discord.option(
        "alert-threshold",
        float,
        parameter_name="alert_threshold",
        required=False,
        description="Alert below this % of the target (above target ÷ it for churn and top 10 %), 1-100",
    )
    async def kpi_set(
        self,
        ctx: discord.ApplicationContext,
        metric: str,
        target: str,
        period: str | None,
        alert_threshold: float | None,
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        saved = await self.analytics.set_target(scope, caller_of(ctx), metric, target, period, alert_threshold)
        await send(ctx, texts.target_saved(target_text(saved)))

    @kpi.command(name="list", description="KPI targets and whether they are alerting")
    async def kpi_list(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        rows = await self.analytics.list_targets(scope, caller_of(ctx))
        await send(ctx, "\n".join(target_text(t) for t in rows) or texts.NO_TARGETS)

    async def _toggle(self, ctx: discord.ApplicationContext, metric: str, active: bool) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        saved = await self.analytics.set_target_active(scope, caller_of(ctx), metric, active)
        await send(ctx, texts.target_switched(active, target_text(saved)))

    @kpi.command(name="enable", description="Turn a KPI target's alerts back on")
    @discord.option("metric", str, description="A KPI with a target", autocomplete=metric_names)
    async def kpi_enable(self, ctx: discord.ApplicationContext, metric: str) -> None:
        await self._toggle(ctx, metric, True)

    @kpi.command(name="disable", description="Keep a KPI target but stop its alerts")
    @discord.option("metric", str, description="A KPI with a target", autocomplete=metric_names)
    async def kpi_disable(self, ctx: discord.ApplicationContext, metric: str) -> None:
        await self._toggle(ctx, metric, False)

    @kpi.command(name="remove", description="Delete a KPI target")
    @discord.option("metric", str, description="A KPI with a target", autocomplete=metric_names)
    async def kpi_remove(self, ctx: discord.ApplicationContext, metric: str) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        removed = await self.analytics.remove_target(scope, caller_of(ctx), metric)
        await send(ctx, texts.target_removed(removed))

    @kpi.command(name="report", description="Every KPI now, against its target, with its trend")
    async def kpi_report(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        fields = await self.analytics.kpi_report(scope, caller_of(ctx))
        embed = discord.Embed(title=texts.KPI_TITLE, colour=discord.Colour.blurple(), description=texts.KPI_INTRO)
        for name, value in fields:
            embed.add_field(name=name, value=value[:1024], inline=False)
        await send(ctx, embed=embed)

    @kpi.command(name="export", description="KPI snapshots as a CSV or JSON file")
    @discord.option("format", str, choices=["csv", "json"], description="File format")
    @discord.option(
        "start-date",
        str,
        parameter_name="start_date",
        required=False,
        description="From this day on (YYYY-MM-DD); default: every snapshot",
    )
    async def kpi_export(self, ctx: discord.ApplicationContext, format: str, start_date: str | None) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        name, payload = await self.analytics.export(scope, caller_of(ctx), format, start_date)
        await send(ctx, texts.export_ready(format), file=discord.File(io.BytesIO(payload), filename=name))

    # -- /segments -----------------------------------------------------------------------------------------------

    @discord.slash_command(
        name="segments", description="Member segments: counts, or the members of one", contexts=GUILD
    )
    @discord.option(
        "view", str, choices=list(input.SEGMENTS), required=False, description="List the members of this segment"
    )
    @discord.option("page", int, required=False, default=1, description="Page of the list")
    async def segments_command(self, ctx: discord.ApplicationContext, view: str | None, page: int) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        if view is None:
            found = await self.analytics.segment_counts(scope, caller_of(ctx))
            embed = discord.Embed(title=texts.SEGMENTS_TITLE, colour=discord.Colour.blurple())
            for name, count in found.items():
                embed.add_field(name=texts.SEGMENT_TITLES[name], value=texts.segment_count(name, count), inline=False)
            await send(ctx, embed=embed)
            return
        shown = await self.analytics.segment_page(scope, caller_of(ctx), view, page or 1)
        await send(ctx, embed=render_segment(shown), view=segment_buttons(shown))

    @clicks(SEGMENT_PREFIX + ":", updates_message=True)
    async def segment_click(self, interaction: discord.Interaction, state: str) -> None:
        """Segment paging buttons carry their state in the custom_id; the clicker needs the viewer level."""
        segment, number = [*state.split(":"), "", ""][:2]
        scope = await self.gate.resolver.scope_of(interaction.guild_id or 0)
        if scope is None or not number.isdigit():
            await send(interaction, common_texts.NOT_CONNECTED)
            return
        try:
            shown = await self.analytics.segment_page(scope, caller_of(interaction), segment, int(number))
        except (PermissionDenied, ValidationError) as exc:
            await send(interaction, getattr(exc, "message", str(exc)))
            return
        await update_clicked(interaction, embed=render_segment(shown), view=segment_buttons(shown))

    # -- /report --------------------------------------------------------------------------------------------------

    @report.command(name="schedule", description="Post a KPI report with a chart daily, weekly or monthly")
    @discord.option("frequency", str, choices=list(input.FREQUENCIES), description="How often")
    @discord.option("channel", discord.TextChannel, description="Where the report is posted")
    @discord.option(
        "day-of-week",
        int,
        parameter_name="day_of_week",
        required=False,
        description="Weekly reports only: 0 = Monday … 6 = Sunday (default Monday)",
    )
    async def report_schedule(
        self, ctx: discord.ApplicationContext, frequency: str, channel: discord.TextChannel, day_of_week: int | None
    ) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        me = ctx.guild.me if ctx.guild else None
        allowed = channel.permissions_for(me) if me is not None else None
        saved = await self.analytics.schedule_report(
            scope,
            caller_of(ctx),
            frequency,
            str(channel.id),
            day_of_week,
            channel_here=channel.guild.id == ctx.guild_id,
            channel_writable=allowed is not None and all(getattr(allowed, p) for p in REPORT_PERMISSIONS),
            channel_mention=channel.mention,
        )
        await send(ctx, texts.schedule_saved(saved.frequency, saved.channel_id, saved.day_of_week, saved.active))

    @report.command(name="off", description="Stop the scheduled report (the schedule is kept, turned off)")
    async def report_off(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        saved = await self.analytics.report_off(scope, caller_of(ctx))
        await send(ctx, texts.reports_off(saved.frequency, saved.channel_id, saved.day_of_week, saved.active))

    @report.command(name="now", description="Post the report for the period that ended yesterday, now")
    async def report_now(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        schedule, result = await self.analytics.report_now(scope, caller_of(ctx))
        if result.ok:
            await send(ctx, texts.report_posted(schedule.frequency, schedule.channel_id))
        else:
            await send(ctx, reports.failure_text(result, schedule))

    @report.command(name="show", description="The report schedule and the last report sent")
    async def report_show(self, ctx: discord.ApplicationContext) -> None:
        scope = await self.gate.scope(ctx)
        if scope is None:
            return
        schedule = await self.analytics.report_schedule(scope, caller_of(ctx))
        if schedule is None:
            await send(ctx, texts.NO_SCHEDULE)
            return
        await send(
            ctx,
            texts.schedule_status(
                texts.schedule_line(schedule.frequency, schedule.channel_id, schedule.day_of_week, schedule.active),
                schedule.last_sent_at,
                schedule.last_status,
            ),
        )
