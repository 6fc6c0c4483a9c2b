"""Everything analytics says to people, in one place: values, alerts, reports, segments, refusals.

KPI labels live with each KPI in the registry (metrics.KPIS); `title` reads them.
"""

from __future__ import annotations

from datetime import date, datetime

from loyalteez.services.analytics.metrics import KPIS

PERIOD_WORDS = {"day": "yesterday", "week": "7-day average", "month": "30-day average", "quarter": "90-day average"}
SPARKS = "▁▂▃▄▅▆▇█"
SEGMENT_TITLES = {
    "whales": "Whales (top 10 % by LTZ)",
    "power_users": "Power users (active 5+ of the last 7 days)",
    "new": "New (joined or first seen < 7 days ago)",
    "at_risk": "At risk (no activity for 7–29 days)",
    "dormant": "Dormant (no activity for 30+ days, or never)",
    "voice_regulars": "Voice regulars (5+ voice sessions in 7 days)",
}


SEGMENTS_TITLE = "👥 Member segments"
SEGMENT_EMPTY = "Nobody in this segment right now."
NEVER_ACTIVE = "never active since joining"


def unknown_segment(choices: tuple[str, ...]) -> str:
    return f"segment: choose one of {', '.join(choices)}"


def segment_count(segment: str, count: int) -> str:
    return f"**{count:,}** · `/segments view:{segment}`"


def segment_value(segment: str, value: object) -> str:
    """A member's value in a segment: LTZ, days, sessions, when they joined or were last active."""
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
    if segment == "dormant" and value is None:
        return NEVER_ACTIVE
    return str(value)


def segment_row(position: int, member: str, segment: str, value: object) -> str:
    return f"`{position}.` <@{member}> — {segment_value(segment, value)}"


def segment_footer(total: int, page: int, pages: int) -> str:
    return f"{total:,} members · page {page}/{pages}"


def title(metric: str) -> str:
    return KPIS.get(metric).title


def fmt(metric: str, value: float | None) -> str:
    """A metric's value as people read it: ratios as percentages, counts whole, the rest 1–2 decimals."""
    if value is None:
        return "n/a"
    kind = KPIS.get(metric).kind if metric in KPIS else "number"
    if kind == "ratio":
        return f"{value * 100:.1f} %"
    if kind == "count":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if kind == "hours":
        return f"{value:,.1f} h"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def sparkline(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "·" * len(values)
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    return "".join("·" if v is None else SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in values)


def trend(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "→ n/a"
    if before == 0:
        return "→ 0 %" if now == 0 else "↑ new"
    change = (now - before) / abs(before)
    arrow = "↑" if change > 0.005 else "↓" if change < -0.005 else "→"
    return f"{arrow} {change * 100:+.0f} %"


# -- targets and alerts -----------------------------------------------------------------------------------


def unknown_metric(name: str) -> str:
    return f"metric: `{name}` is not a KPI with targets; choose one of {', '.join(KPIS.targetable())}"


NEGATIVE_TARGET = "target: give a number of 0 or more"
BAD_TARGET = "target: give a number, e.g. 25, 0.6 or 60%"
BAD_PERIOD = "period: choose day, week, month or quarter"
THRESHOLD_RANGE = "alert-threshold: give a percentage of the target from 1 to 100"
NO_TARGETS = "No KPI targets yet. Set one with /kpi set."


def ratio_target(metric: str) -> str:
    return f"target: {metric} is a share, so give 0–1 (e.g. 0.6) or a percentage up to 100 % (e.g. 60%)"


def no_target(metric: str) -> str:
    return f"metric: `{metric}` has no target yet; set one with /kpi set"


BAD_WINDOW = "days: choose 7, 30 or 90"
BAD_DATE = "start-date: give a date as YYYY-MM-DD, e.g. 2026-03-01"
BAD_FORMAT = "format: choose csv or json"


def target_line(metric: str, target: float, period: str, threshold: float) -> str:
    return f"`{metric}` target {fmt(metric, target)} ({PERIOD_WORDS[period]}), alert below {threshold:g} %"


def target_state(metric: str, target: float, period: str, threshold: float, active: bool, alerting: bool) -> str:
    state = "on" if active else "off"
    alert = " · 🔴 alerting" if alerting else ""
    return f"{target_line(metric, target, period, threshold)} · {state}{alert}"


def target_saved(state: str) -> str:
    return f"Saved: {state}. Alerts go to the admin channel (/config admin-channel)."


def target_switched(active: bool, state: str) -> str:
    return f"{'Enabled' if active else 'Disabled'}: {state}."


def target_removed(metric: str) -> str:
    return f"Removed the target of `{metric}`."


def kpi_name(metric: str) -> str:
    return f"{title(metric)} (`{metric}`)"


def kpi_values(metric: str, now: float | None, value: float | None, before: float | None, period: str | None) -> str:
    """/kpi report: today so far, the period's value (a week without a target) and its trend."""
    words = PERIOD_WORDS[period or "week"]
    return f"today so far **{fmt(metric, now)}** · {words} {fmt(metric, value)} {trend(value, before)}"


def kpi_target(metric: str, target: float, wrong_side: bool | None, active: bool) -> str:
    """The target under a KPI: ⚠️ on the wrong side of it, ✅ not, no mark without a value."""
    mark = "" if wrong_side is None else (" ⚠️" if wrong_side else " ✅")
    return f"\ntarget {fmt(metric, target)}{mark}" + ("" if active else " (off)")


KPI_TITLE = "📈 KPIs"
KPI_INTRO = (
    "Today so far (UTC), the period's average up to yesterday and its trend against the period before, "
    "the last 14 days."
)


def export_ready(fmt: str) -> str:
    return f"KPI snapshots ({fmt.upper()})."


def period_of(period: str, day: date | None) -> str:
    """How a compared value is named: "yesterday" / "7-day average", or for a day caught up after downtime
    that day ("Tue 03 Mar" / "7-day average to Tue 03 Mar")."""
    if day is None:
        return PERIOD_WORDS[period]
    return f"{day:%a %d %b}" if period == "day" else f"{PERIOD_WORDS[period]} to {day:%a %d %b}"


def alert(
    metric: str,
    value: float,
    target: float,
    period: str,
    threshold: float,
    lower_is_better: bool,
    day: date | None = None,
) -> str:
    if lower_is_better:
        limit = target / (threshold / 100)
        side = f"above its target {fmt(metric, target)} ÷ {threshold:g} % = {fmt(metric, limit)}"
    else:
        side = f"below {threshold:g} % of its target {fmt(metric, target)} = {fmt(metric, target * threshold / 100)}"
    shown = f"**{fmt(metric, value)}** ({period_of(period, day)})"
    return f"⚠️ **KPI alert**: {title(metric)} (`{metric}`) is {shown}, {side}."


def recovery(metric: str, value: float, target: float, period: str, day: date | None = None) -> str:
    return (
        f"✅ **KPI recovered**: {title(metric)} (`{metric}`) is back to **{fmt(metric, value)}** "
        f"({period_of(period, day)}; target {fmt(metric, target)})."
    )


# -- reports ------------------------------------------------------------------------------------------------


def report_title(frequency: str, start: date, end: date) -> str:
    label = {"daily": "Daily", "weekly": "Weekly", "monthly": "Monthly"}[frequency]
    span = f"{end:%a %d %b %Y}" if start == end else f"{start:%d %b} – {end:%d %b %Y}"
    return f"📊 {label} report · {span}"


def report_forbidden(channel_id: str, frequency: str) -> str:
    return (
        f"I couldn't post the {frequency} report in <#{channel_id}>: I'm missing permission to send messages, "
        "embeds or files there. The schedule is kept; give me those permissions or pick another channel "
        "with /report schedule."
    )


def report_elsewhere(channel_id: str, frequency: str) -> str:
    return (
        f"I didn't post the {frequency} report: its channel <#{channel_id}> is not a channel of this server. "
        "Pick one with /report schedule."
    )


def report_missing(channel_id: str, frequency: str) -> str:
    return (
        f"I couldn't post the {frequency} report: the channel <#{channel_id}> no longer exists. "
        "The schedule is kept; pick another channel with /report schedule."
    )


def report_failed(channel_id: str, frequency: str) -> str:
    return f"Posting the {frequency} report in <#{channel_id}> failed; it will be tried again at the next send time."


CHANNEL_ELSEWHERE = "channel: choose a channel of this server"


def channel_not_writable(channel: str) -> str:
    return (
        f"channel: I can't post in {channel} (I need View Channel, Send Messages, Embed Links and "
        "Attach Files there). Nothing was changed."
    )


def day_of_week_weekly_only(frequency: str) -> str:
    return f"day-of-week: only weekly reports have a day of the week; leave it out for {frequency} reports"


DAY_OF_WEEK_RANGE = "day-of-week: give 0 (Monday) to 6 (Sunday)"
FREQUENCY = "frequency: choose daily, weekly or monthly"
NO_SCHEDULE = "There is no report schedule here. Set one with /report schedule."
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def schedule_saved(frequency: str, channel_id: str, day_of_week: int | None, active: bool) -> str:
    return (
        schedule_line(frequency, channel_id, day_of_week, active)
        + ". The first one covers the period that ends the day before it is sent."
    )


def reports_off(frequency: str, channel_id: str, day_of_week: int | None, active: bool) -> str:
    return "Scheduled reports are off. " + schedule_line(frequency, channel_id, day_of_week, active) + "."


def report_posted(frequency: str, channel_id: str) -> str:
    return f"Posted the {frequency} report in <#{channel_id}>."


def schedule_status(line: str, last_sent_at: datetime | None, last_status: str | None) -> str:
    """/report show: the schedule, when the last report went out, and what went wrong last time if anything."""
    last = f"last sent <t:{int(last_sent_at.timestamp())}:f>" if last_sent_at else "not sent yet"
    problem = f" · last attempt: {last_status}" if last_status not in (None, "sent") else ""
    return f"{line} · {last}{problem}."


def schedule_line(frequency: str, channel_id: str, day_of_week: int | None, active: bool) -> str:
    when = {
        "daily": "every day",
        "weekly": f"every {WEEKDAYS[day_of_week or 0]}",
        "monthly": "on the 1st of every month",
    }[frequency]
    state = "" if active else " (off)"
    return f"{frequency.capitalize()} report {when} at 00:05 UTC in <#{channel_id}>{state}"
