"""Scheduled reports (/report schedule|off|now|show): what is due, what a report holds, how it is posted.

One schedule per server: daily, weekly on a day of the week (0 = Monday) or
monthly on the 1st, always at 00:05 UTC (after the 00:00 snapshots), about the period that just ended
(the day, the 7 days, the calendar month). A report is due when its latest send time is after the last one
sent, the last attempt and the moment the schedule was set (its delivery state): so it is sent once per
send time, a restart never sends it twice, a report missed while the bot was down is sent once on start
(not once per missed period), and a new schedule does not send one for a time that passed before it.

A channel the bot may not post in (403) or that is gone: the schedule is kept, the attempt recorded (no
retry every minute), and the admin channel is told.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.clock import start_of_day, utc_day
from loyalteez.services.access import audit
from loyalteez.services.analytics import texts
from loyalteez.services.analytics.charts import active_members_figure, figure_png
from loyalteez.services.analytics.input import PERIOD_DAYS, check_schedule
from loyalteez.services.analytics.metrics import KPIS, period_value
from loyalteez.services.analytics.ports import Outgoing, Poster, PostResult, PostStatus, nonce_of
from loyalteez.services.analytics.scheduler import previous_fire
from loyalteez.services.analytics.targets import list_targets
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData
from loyalteez.store.repos.reports import GoalProgress, ReportSchedule

CHART_DAYS = 30
CHART_NAME = "activity.png"
MEDALS = ("🥇", "🥈", "🥉", "4.", "5.")
COLOUR = 0x5865F2


@dataclass(frozen=True, slots=True)
class Schedule:
    frequency: str
    channel_id: str
    day_of_week: int | None
    active: bool
    last_sent_at: datetime | None
    active_since: datetime | None
    last_attempt_at: datetime | None
    last_status: str | None

    @property
    def cron(self) -> str:
        if self.frequency == "daily":
            return "5 0 * * *"
        if self.frequency == "weekly":
            return f"5 0 * * {((self.day_of_week or 0) + 1) % 7}"  # cron counts from Sunday = 0
        return "5 0 1 * *"

    def latest_send_time(self, now: datetime) -> datetime:
        return previous_fire(self.cron, now)

    def is_due(self, now: datetime) -> bool:
        if not self.active:
            return False
        fire = self.latest_send_time(now)
        marks = [m for m in (self.last_sent_at, self.active_since, self.last_attempt_at) if m is not None]
        return all(fire > mark for mark in marks)


def schedule_of(row: ReportSchedule | None) -> Schedule | None:
    if row is None:
        return None
    return Schedule(
        row.frequency,
        row.channel_id,
        row.day_of_week,
        row.is_active,
        row.last_sent_at,
        row.active_since,
        row.last_attempt_at,
        row.last_status,
    )


async def save_schedule(
    data: ScopedData,
    actor_id: str,
    frequency: str,
    channel_id: str,
    day_of_week: int | None,
    now: datetime | None = None,
) -> Schedule:
    """Set the schedule, holding from `now` (default: the store's clock); audited. Validates first."""
    day_of_week = check_schedule(frequency, day_of_week)
    async with data.transaction():
        before = await data.reports.schedule_snapshot()
        await data.reports.save_schedule(frequency, channel_id, day_of_week, now)
        after = await data.reports.schedule_snapshot()
        await audit.record(
            data, actor_type="admin", actor_id=actor_id, action="analytics.report_schedule", before=before, after=after
        )
    return await _saved(data)


async def turn_off(data: ScopedData, actor_id: str) -> Schedule:
    async with data.transaction():
        before = await data.reports.schedule_snapshot()
        if before is None:
            raise ValidationError("schedule", texts.NO_SCHEDULE)
        await data.reports.turn_off()
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action="analytics.report_off",
            before=before,
            after={**before, "is_active": False},
        )
    return await _saved(data)


async def current(data: ScopedData) -> Schedule | None:
    return schedule_of(await data.reports.schedule())


async def _saved(data: ScopedData) -> Schedule:
    schedule = await current(data)
    assert schedule is not None  # written just before
    return schedule


def period_for(frequency: str, end: date) -> tuple[date, date]:
    """The days a report covers, ending on `end` (the day before it is sent)."""
    if frequency == "daily":
        return end, end
    if frequency == "weekly":
        return end - timedelta(days=6), end
    return end.replace(day=1), end


# -- building a report ---------------------------------------------------------------------------------------


async def build(data: ScopedData, frequency: str, end: date) -> Outgoing:
    """The report about the period ending on `end`, from snapshots and rollups (snapshots written first)."""
    start, _ = period_for(frequency, end)
    length = (end - start).days + 1
    daily = await data.kpi.daily_metrics(end - timedelta(days=max(CHART_DAYS, 2 * length) + 90), end)
    targets = {t.metric: t for t in await list_targets(data) if t.active}
    ltz, payouts = await data.reports.paid(start, end)
    totals = await data.analytics.period(start, end)
    lines = []
    for metric in KPIS.targetable():
        value = period_value(daily, metric, end, length)
        before = period_value(daily, metric, start - timedelta(days=1), length)
        line = f"`{metric}` **{texts.fmt(metric, value)}** {texts.trend(value, before)}"
        target = targets.get(metric)
        if target is not None:
            held = period_value(daily, metric, end, PERIOD_DAYS[target.period])
            mark = (
                "•"
                if held is None
                else "⚠️"
                if target.wrong_side(held)
                else ("✅" if (held <= target.target if target.lower_is_better else held >= target.target) else "•")
            )
            line += f" · target {texts.fmt(metric, target.target)} {mark}"
        lines.append(line)
    top = await data.reports.top_earners(start, end)
    goals = await data.reports.goals()
    achievements = await data.reports.achievements_completed(start_of_day(start), start_of_day(end + timedelta(days=1)))
    fields = [
        {"name": "KPIs (vs previous period, targets)", "value": _clip("\n".join(lines)), "inline": False},
        {
            "name": "Top earners",
            "value": _clip(
                "\n".join(f"{MEDALS[i]} <@{r.member_id}> {r.ltz:,} LTZ" for i, r in enumerate(top))
                or "Nobody earned in this period."
            ),
            "inline": True,
        },
        {"name": "LTZ paid", "value": f"{ltz:,} LTZ in {payouts:,} payouts", "inline": True},
        {"name": "Achievements completed", "value": f"{achievements:,}", "inline": True},
        {"name": "Community goals", "value": _clip(_goals(goals, end) or "No goals yet."), "inline": False},
    ]
    embed = {
        "title": texts.report_title(frequency, start, end),
        "description": f"**{totals.active_members:,}** members earned, **{totals.active_any:,}** took part.",
        "color": COLOUR,
        "fields": fields,
        "image": {"url": f"attachment://{CHART_NAME}"},
        "footer": {"text": "Loyalteez · KPI snapshots at 00:00 UTC, reports at 00:05 UTC"},
    }
    png = await chart(daily, end, {metric: float(t.target) for metric, t in targets.items()})
    return Outgoing(embed=embed, files=((CHART_NAME, png),), what=f"the {frequency} report")


CHART_TARGETS = {"daily_active_users": "Target: daily active", "weekly_active_users": "Target: weekly active"}


def chart_days(daily: dict[date, dict[str, Any]], end: date) -> list[date]:
    """The last CHART_DAYS days, or fewer for a younger server: from its first snapshot on, no empty bars."""
    first = min((d for d, metrics in daily.items() if d <= end and metrics), default=end)
    start = max(end - timedelta(days=CHART_DAYS - 1), first)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def chart_figure(daily: dict[date, dict[str, Any]], end: date, targets: dict[str, float]) -> Any:
    """The report's chart as a matplotlib figure; `targets` are the active targets by metric."""
    days = chart_days(daily, end)
    dau = [(daily.get(d) or {}).get("daily_active_users") for d in days]
    wau = [(daily.get(d) or {}).get("weekly_active_users") for d in days]
    lines = [(label, targets[metric]) for metric, label in CHART_TARGETS.items() if metric in targets]
    title = f"Daily and weekly active members, {days[0]:%d %b %Y} – {end:%d %b %Y} (UTC)"
    return active_members_figure(days, dau, wau, title, lines)


async def chart(daily: dict[date, dict[str, Any]], end: date, targets: dict[str, float]) -> bytes:
    return await asyncio.to_thread(lambda: figure_png(chart_figure(daily, end, targets)))


def _goals(goals: list[GoalProgress], end: date) -> str:
    lines = []
    for goal in goals[:8]:
        target, value = goal.target_value, goal.current_value
        share = f"{min(value / target, 1) * 100:.0f} %" if target > 0 else "n/a"
        state = " ✅" if goal.completed_at else (" (missed)" if goal.deadline and goal.deadline < end else "")
        lines.append(f"**{goal.name}**: {value:,.0f} / {target:,.0f} ({share}){state}")
    return "\n".join(lines)


def _clip(text: str, limit: int = 1024) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- posting -------------------------------------------------------------------------------------------------


async def deliver(
    data: ScopedData, poster: Poster | None, schedule: Schedule, now: datetime, *, manual: bool = False
) -> PostResult:
    """Build and post a report; record and report the outcome.

    Scheduled: about the period before its latest send time (a report missed while the bot was down is
    about the period it was due for). Manual (/report now): about the period that ended yesterday.
    """
    sent_for = now if manual else schedule.latest_send_time(now)
    end = utc_day(sent_for) - timedelta(days=1)
    message = await build(data, schedule.frequency, end)
    if not manual:  # one post per server and send time, whichever process sends it and however often
        message = dataclasses.replace(message, nonce=nonce_of("report", data.scope.server_id, sent_for.isoformat()))
    if poster is None:
        result = PostResult(PostStatus.FAILED, error="not connected to Discord")
    else:
        result = await poster.post(data.scope.server_id, schedule.channel_id, message)
    if result.ok or not manual:
        # The stored statuses predate ELSEWHERE: the bot's own refusal is recorded as forbidden, its error says why.
        stored = PostStatus.FORBIDDEN if result.status is PostStatus.ELSEWHERE else result.status
        await data.reports.record_attempt(now, stored.value, result.error)
    if not manual:
        await audit.record(
            data,
            actor_type="system",
            actor_id="system",
            action="analytics.report",
            details={
                "frequency": schedule.frequency,
                "channel_id": schedule.channel_id,
                "period_end": end.isoformat(),
                "status": result.status.value,
                "error": result.error,
            },
        )
        if not result.ok:
            nonce = nonce_of("report failed", data.scope.server_id, sent_for.isoformat())
            await tell_admins(data, poster, failure_text(result, schedule), nonce=nonce)
    return result


def failure_text(result: PostResult, schedule: Schedule) -> str:
    if result.status is PostStatus.FORBIDDEN:
        return texts.report_forbidden(schedule.channel_id, schedule.frequency)
    if result.status is PostStatus.ELSEWHERE:
        return texts.report_elsewhere(schedule.channel_id, schedule.frequency)
    if result.status is PostStatus.MISSING:
        return texts.report_missing(schedule.channel_id, schedule.frequency)
    return texts.report_failed(schedule.channel_id, schedule.frequency)


async def tell_admins(
    data: ScopedData, poster: Poster | None, text: str, *, nonce: str | None = None
) -> PostResult | None:
    """Post a notice in the admin channel (config_metadata admin_channel_id); None when there is none.
    `nonce`: for scheduled notices (see Outgoing.nonce)."""
    channel = (await data.rewards.metadata()).get("admin_channel_id")
    if not channel or poster is None:
        return None
    notice = Outgoing(content=text, what="an admin notice", nonce=nonce)
    return await poster.post(data.scope.server_id, str(channel), notice)
