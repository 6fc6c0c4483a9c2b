"""/kpi, /segments and /report, the member-join listener, and starting the analytics scheduler.

Handlers only translate: Discord options -> analytics services -> an ephemeral reply (a report itself is
posted in its channel by the service, through DiscordPoster). Rules, wording and numbers live in
loyalteez.services.analytics; a ValidationError raised there becomes a one-line ephemeral reply.
"""

from __future__ import annotations

import io
import logging
from datetime import date, datetime

import discord
from discord.ext import commands

from loyalteez.discord.admin_gate import AdminGate
from loyalteez.discord.caller import caller_of
from loyalteez.discord.poster import DiscordPoster
from loyalteez.discord.replies import send
from loyalteez.services import texts
from loyalteez.services.access.permissions import Level, PermissionDenied, require
from loyalteez.services.analytics import messages, reports, segments, targets
from loyalteez.services.analytics.metrics import SEED_METRICS
from loyalteez.services.analytics.service import Analytics, MetricLine
from loyalteez.services.errors import ValidationError

log = logging.getLogger("loyalteez.analytics")
GUILD = {discord.InteractionContextType.guild}
SEGMENT_PREFIX = "seg"
REPORT_PERMISSIONS = ("view_channel", "send_messages", "embed_links", "attach_files")


def metric_names(ctx: discord.AutocompleteContext) -> list[str]:
    typed = (ctx.value or "").lower()
    return [m for m in SEED_METRICS if typed in m]


def target_text(t: targets.Target) -> str:
    state = "on" if t.active else "off"
    alert = " · 🔴 alerting" if t.alerting else ""
    return f"{messages.target_line(t.metric, t.target, t.period, t.threshold)} · {state}{alert}"


def metric_field(line: MetricLine) -> tuple[str, str]:
    name = f"{messages.TITLES[line.metric]} (`{line.metric}`)"
    words = messages.PERIOD_WORDS[line.target.period] if line.target else messages.PERIOD_WORDS["week"]
    text = (
        f"today so far **{messages.fmt(line.metric, line.now)}** · {words} "
        f"{messages.fmt(line.metric, line.period_value)} {messages.trend(line.period_value, line.previous)}"
    )
    if line.target is not None:
        target = line.target
        mark = "" if line.period_value is None else (" ⚠️" if target.wrong_side(line.period_value) else " ✅")
        text += f"\ntarget {messages.fmt(line.metric, target.target)}{mark}" + ("" if target.active else " (off)")
    return name, f"{text}\n`{line.spark}`"


def segment_value(segment: str, value: object) -> str:
    if segment == "whales":
        return f"{value:,} LTZ"
    if segment == "power_users":
        return f"active {value} of 7 days"
    if segment == "voice_regulars":
        return f"{value} voice sessions"
    if segment == "new" and isinstance(value, datetime):
        return f"joined <t:{int(value.timestamp())}:R>"
    if isinstance(value, date):
        return f"last active {value:%d %b %Y}"
    return str(value)


def render_segment(page: segments.SegmentPage) -> discord.Embed:
    embed = discord.Embed(title=messages.SEGMENT_TITLES[page.segment], colour=discord.Colour.blurple())
    start = (page.page - 1) * segments.PAGE_SIZE
    embed.description = (
        "\n".join(
            f"`{start + i + 1}.` <@{member}> — {segment_value(page.segment, value)}"
            for i, (member, value) in enumerate(page.rows)
        )
        or "Nobody in this segment right now."
    )
    embed.set_footer(text=f"{page.total:,} members · page {page.page}/{page.pages}")
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
    view.stop()  # handled by on_interaction from the custom_id, so the buttons work after a restart
    return view


class AnalyticsCog(commands.Cog):
    kpi = discord.SlashCommandGroup("kpi", "KPI targets, alerts, reports and exports (admins)", contexts=GUILD)
    report = discord.SlashCommandGroup("report", "Scheduled KPI reports with a chart (admins)", contexts=GUILD)

    def __init__(self, bot: discord.Bot, gate: AdminGate, analytics: Analytics) -> None:
        self.bot = bot
        self.gate = gate
        self.analytics = analytics

    # -- lifecycle and listeners -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Start the scheduler once connected (idempotent): its first run catches up what was missed."""
        self.analytics.start(DiscordPoster(self.bot))

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        scope = await self.gate.resolver.scope_of(member.guild.id)
        if scope is not None:
            await self.analytics.member_joined(scope, str(member.id), member.bot, member.joined_at)

    # -- /kpi ---------------------------------------------------------------------------------------------------

    @kpi.command(name="set", description="Set a KPI's target and when to alert")
    @discord.option("metric", str, description="One of the 8 KPIs", autocomplete=metric_names)
    @discord.option("target", str, description="A number, or for shares 0-1 or a percentage (60%)")
    @discord.option(
        "period",
        str,
        choices=list(targets.PERIOD_DAYS),
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
        data = await self.gate.open(ctx, Level.FULL_ADMIN)
        if data is None:
            return
        saved = await targets.set_target(data, str(ctx.author.id), metric, target, period, alert_threshold)
        await send(ctx, f"Saved: {target_text(saved)}. Alerts go to the admin channel (/config admin-channel).")

    @kpi.command(name="list", description="KPI targets and whether they are alerting")
    async def kpi_list(self, ctx: discord.ApplicationContext) -> None:
        data = await self.gate.open(ctx, Level.VIEWER)
        if data is None:
            return
        rows = await targets.list_targets(data)
        await send(ctx, "\n".join(target_text(t) for t in rows) or "No KPI targets yet. Set one with /kpi set.")

    async def _toggle(self, ctx: discord.ApplicationContext, metric: str, active: bool) -> None:
        data = await self.gate.open(ctx, Level.FULL_ADMIN)
        if data is None:
            return
        saved = await targets.set_active(data, str(ctx.author.id), metric, active)
        await send(ctx, f"{'Enabled' if active else 'Disabled'}: {target_text(saved)}.")

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
        data = await self.gate.open(ctx, Level.FULL_ADMIN)
        if data is None:
            return
        await targets.remove_target(data, str(ctx.author.id), metric)
        await send(ctx, f"Removed the target of `{metric.strip().lower()}`.")

    @kpi.command(name="report", description="Every KPI now, against its target, with its trend")
    async def kpi_report(self, ctx: discord.ApplicationContext) -> None:
        data = await self.gate.open(ctx, Level.VIEWER)
        if data is None:
            return
        await ctx.defer(ephemeral=True)
        lines = await self.analytics.kpi_lines(data)
        embed = discord.Embed(
            title="📈 KPIs",
            colour=discord.Colour.blurple(),
            description="Today so far (UTC), the period's average up to yesterday and its "
            "trend against the period before, the last 14 days.",
        )
        for line in lines:
            name, value = metric_field(line)
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
        data = await self.gate.open(ctx, Level.VIEWER)
        if data is None:
            return
        name, payload = await self.analytics.export(data, format, start_date)
        await send(ctx, f"KPI snapshots ({format.upper()}).", file=discord.File(io.BytesIO(payload), filename=name))

    # -- /segments -----------------------------------------------------------------------------------------------

    @discord.slash_command(
        name="segments", description="Member segments: counts, or the members of one", contexts=GUILD
    )
    @discord.option(
        "view", str, choices=list(segments.SEGMENTS), required=False, description="List the members of this segment"
    )
    @discord.option("page", int, required=False, default=1, description="Page of the list")
    async def segments_command(self, ctx: discord.ApplicationContext, view: str | None, page: int) -> None:
        data = await self.gate.open(ctx, Level.VIEWER)
        if data is None:
            return
        now = self.analytics.clock.now()
        if view is None:
            found = await segments.counts(data, now)
            embed = discord.Embed(title="👥 Member segments", colour=discord.Colour.blurple())
            for name, count in found.items():
                embed.add_field(
                    name=messages.SEGMENT_TITLES[name], value=f"**{count:,}** · `/segments view:{name}`", inline=False
                )
            await send(ctx, embed=embed)
            return
        shown = await segments.page(data, view, page or 1, now)
        await send(ctx, embed=render_segment(shown), view=segment_buttons(shown))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Segment paging buttons carry their state in the custom_id; the clicker needs the viewer level."""
        if interaction.type != discord.InteractionType.component or interaction.guild_id is None:
            return
        custom_id = (interaction.data or {}).get("custom_id", "")
        if not custom_id.startswith(SEGMENT_PREFIX + ":"):
            return
        _, segment, number = [*custom_id.split(":"), "", ""][:3]
        scope = await self.gate.resolver.scope_of(interaction.guild_id)
        if scope is None or not number.isdigit():
            await interaction.response.send_message(texts.NOT_CONNECTED, ephemeral=True)
            return
        data = self.gate.resolver.store.scoped(scope)
        try:
            require(caller_of(interaction), await data.rewards.metadata(), Level.VIEWER)
            shown = await segments.page(data, segment, int(number), self.analytics.clock.now())
        except (PermissionDenied, ValidationError) as exc:
            await interaction.response.send_message(getattr(exc, "message", str(exc)), ephemeral=True)
            return
        await interaction.response.edit_message(embed=render_segment(shown), view=segment_buttons(shown))

    # -- /report --------------------------------------------------------------------------------------------------

    @report.command(name="schedule", description="Post a KPI report with a chart daily, weekly or monthly")
    @discord.option("frequency", str, choices=list(reports.FREQUENCIES), description="How often")
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
        data = await self.gate.open(ctx, Level.FULL_ADMIN)
        if data is None:
            return
        reports.check_schedule(frequency, day_of_week)
        if channel.guild.id != ctx.guild_id:
            raise ValidationError("channel", "channel: choose a channel of this server")
        me = ctx.guild.me if ctx.guild else None
        allowed = channel.permissions_for(me) if me is not None else None
        if allowed is None or not all(getattr(allowed, p) for p in REPORT_PERMISSIONS):
            raise ValidationError("channel", messages.CHANNEL_NOT_WRITABLE.format(channel=channel.mention))
        saved = await reports.save_schedule(
            data, str(ctx.author.id), frequency, str(channel.id), day_of_week, self.analytics.clock.now()
        )
        await send(
            ctx,
            messages.schedule_line(saved.frequency, saved.channel_id, saved.day_of_week, saved.active)
            + ". The first one covers the period that ends the day before it is sent.",
        )

    @report.command(name="off", description="Stop the scheduled report (the schedule is kept, turned off)")
    async def report_off(self, ctx: discord.ApplicationContext) -> None:
        data = await self.gate.open(ctx, Level.FULL_ADMIN)
        if data is None:
            return
        saved = await reports.turn_off(data, str(ctx.author.id))
        await send(
            ctx,
            "Scheduled reports are off. "
            + messages.schedule_line(saved.frequency, saved.channel_id, saved.day_of_week, saved.active)
            + ".",
        )

    @report.command(name="now", description="Post the report for the period that ended yesterday, now")
    async def report_now(self, ctx: discord.ApplicationContext) -> None:
        data = await self.gate.open(ctx, Level.EVENT_MANAGER)
        if data is None:
            return
        await ctx.defer(ephemeral=True)
        schedule, result = await self.analytics.report_now(data)
        if result.ok:
            await send(ctx, f"Posted the {schedule.frequency} report in <#{schedule.channel_id}>.")
        else:
            await send(ctx, reports.failure_text(result, schedule))

    @report.command(name="show", description="The report schedule and the last report sent")
    async def report_show(self, ctx: discord.ApplicationContext) -> None:
        data = await self.gate.open(ctx, Level.VIEWER)
        if data is None:
            return
        schedule = await reports.current(data)
        if schedule is None:
            await send(ctx, messages.NO_SCHEDULE)
            return
        last = f"last sent <t:{int(schedule.last_sent_at.timestamp())}:f>" if schedule.last_sent_at else "not sent yet"
        problem = f" · last attempt: {schedule.last_status}" if schedule.last_status not in (None, "sent") else ""
        await send(
            ctx,
            messages.schedule_line(schedule.frequency, schedule.channel_id, schedule.day_of_week, schedule.active)
            + f" · {last}{problem}.",
        )
