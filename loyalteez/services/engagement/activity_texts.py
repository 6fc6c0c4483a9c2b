"""Every sentence /daily, /streak, /config streaks and /voice show, in one place for review and translation.

Times use Discord's timestamp markup (<t:unix:R>, <t:unix:f>), which each reader's client shows in their zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from loyalteez.services.engagement.streak_settings import StreakSettings
from loyalteez.services.engagement.streaks import Checkin, MilestoneClaim, StreakStatus
from loyalteez.services.engagement.voice import Reason, VoiceProgress
from loyalteez.services.rewards import texts
from loyalteez.services.rewards.outcomes import Outcome, Paid, RefusalReason, Refused


def at(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:f>"


def factor(value: Decimal | float) -> str:
    return f"×{Decimal(str(value)).normalize():f}"


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _reward(outcome: Outcome | None) -> str:
    if isinstance(outcome, Paid):
        return texts.paid(outcome)
    if isinstance(outcome, Refused):
        return f"No reward this time: {outcome.message}"
    return ""


def _milestone(next_milestone: tuple[int, int] | None, streak: int) -> str:
    if next_milestone is None:
        return "You've passed every milestone."
    day, amount = next_milestone
    return f"Next milestone: **{days(day)}** ({amount:,} LTZ), {days(day - streak)} to go."


# -- /daily ---------------------------------------------------------------------------------------------------


def checkin(result: Checkin) -> str:
    if not result.done:
        return (
            f"You've already checked in today (streak: **{days(result.streak)}**). "
            f"Come back {texts.when(result.next_checkin)}, when the next check-in opens."
        )
    lines = [_reward(result.outcome)]
    streak = f"Streak: **{days(result.streak)}**"
    if result.restarted:
        streak += " (your last streak ran out, so a new one starts)"
    lines.append(f"{streak}; longest {days(result.longest)}. Multiplier {factor(result.multiplier)} on every reward.")
    lines.append(_milestone(result.next_milestone, result.streak))
    if result.claimable:
        lines.append(
            "Milestone reached! Claim it with `/streak action:claim` ("
            + ", ".join(days(d) for d in result.claimable)
            + ")."
        )
    lines.append(
        f"Next check-in opens {texts.when(result.next_checkin)}; "
        f"check in before {at(result.keep_until)} to keep the streak."
    )
    return "\n".join(line for line in lines if line)


# -- /streak ----------------------------------------------------------------------------------------------------


def status(s: StreakStatus) -> str:
    if s.current:
        head = f"Your streak: **{days(s.current)}** (longest {days(s.longest)})."
    elif s.longest:
        head = f"No live streak: it ran out. Longest: {days(s.longest)}. Start a new one with `/daily`."
    else:
        head = "No streak yet: check in with `/daily` every day to start one."
    lines = [head, f"Multiplier: {factor(s.multiplier)} on every reward."]
    if s.next_tier is not None:
        day, f = s.next_tier
        lines.append(f"{factor(f)} from day {day}.")
    lines.append(_milestone(s.next_milestone, s.current))
    if s.claimable:
        lines.append(
            "Ready to claim: "
            + ", ".join(f"{days(d)} ({a:,} LTZ)" for d, a in s.claimable)
            + " — `/streak action:claim`."
        )
    if s.claimed:
        lines.append("Claimed: " + ", ".join(days(d) for d in s.claimed) + ".")
    if s.current and s.keep_until is not None:
        today = "you've checked in today" if s.checked_in_today else "you haven't checked in today"
        lines.append(f"Check in before {at(s.keep_until)} to keep it ({today}). Check-ins so far: {s.checkins}.")
    return "\n".join(lines)


def claims(results: Sequence[MilestoneClaim], s: StreakStatus) -> str:
    if not results:
        nxt = s.next_milestone
        more = f" Your next milestone is {days(nxt[0])} ({nxt[1]:,} LTZ)." if nxt else ""
        return f"Nothing to claim yet: your longest streak is {days(s.longest)}.{more}"
    lines = []
    for claim in results:
        if claim.outcome is None:
            lines.append(
                f"The {days(claim.day)} milestone needs a {days(claim.day)} streak; your longest is {days(s.longest)}."
            )
        elif isinstance(claim.outcome, Paid):
            lines.append(f"{days(claim.day).capitalize()} milestone: {texts.paid(claim.outcome)}")
        elif claim.outcome.reason is RefusalReason.DUPLICATE:
            lines.append(f"You've already claimed the {days(claim.day)} milestone.")
        else:
            lines.append(f"{days(claim.day).capitalize()} milestone: {claim.outcome.message}")
    return "\n".join(lines)


def leaderboard_line(rank: int, member_id: str, current: int, longest: int, medal: str) -> str:
    return f"{medal} <@{member_id}> — **{days(current)}** (longest {days(longest)})"


NO_STREAKS = "Nobody has a live streak yet. Start one with `/daily`."


# -- /config streaks --------------------------------------------------------------------------------------------


def settings(s: StreakSettings) -> str:
    tiers = ", ".join(f"{factor(f)} from day {d}" for d, f in s.multipliers) or "none"
    stones = ", ".join(f"{days(d)} → {a:,} LTZ" for d, a in s.milestones) or "none"
    return (
        f"Grace period: {s.grace_hours} h after the end of a check-in's UTC day.\n"
        f"Multipliers: {tiers}.\nMilestones: {stones}."
    )


# -- /voice -----------------------------------------------------------------------------------------------------

REASONS = {
    Reason.COUNTING: "counting now",
    Reason.AFK: "not counting: you're in the AFK channel",
    Reason.EXCLUDED: "not counting: this channel doesn't earn",
    Reason.DEAFENED: "not counting while you're deafened",
    Reason.ALONE: "not counting: nobody else is in your channel",
}


def voice_progress(p: VoiceProgress) -> str:
    lines = []
    if p.in_voice:
        state = REASONS.get(p.reason, "counting") if p.reason else "in voice"
        lines.append(f"In voice: {p.session_minutes} counted minute(s) this session ({state}).")
    else:
        lines.append("You're not in a voice channel.")
    if not p.enabled:
        lines.append(f"Voice rewards are off here; your {p.total_minutes} counted minute(s) still add up.")
        return "\n".join(lines)
    lines.append(
        f"Counted: {p.total_minutes} minute(s); {p.claimed_minutes} already paid. "
        f"`voice_activity` pays {p.amount:,} LTZ per {p.minutes_per_payout} minutes."
    )
    if p.ready:
        lines.append(f"**{p.ready}** payout(s) ready: `/voice claim`.")
    else:
        lines.append(f"Next payout after {p.minutes_per_payout - p.toward_next} more counted minute(s).")
    if p.daily_cap is not None:
        lines.append(f"Today: {p.paid_today}/{p.daily_cap} voice payouts (the limit resets at midnight UTC).")
    return "\n".join(lines)


def voice_claim(outcomes: Sequence[Outcome], after: VoiceProgress) -> str:
    paid = [o for o in outcomes if isinstance(o, Paid)]
    refused = next((o for o in outcomes if isinstance(o, Refused)), None)
    if not outcomes:
        return (
            "Nothing to claim yet: " + f"{after.toward_next}/{after.minutes_per_payout} counted minutes "
            "toward the next payout." + ("" if after.in_voice else " Join a voice channel with others.")
        )
    lines = []
    if paid:
        total = sum(p.amount for p in paid)
        lines.append(
            f"You earned **{total:,} LTZ** for {len(paid) * after.minutes_per_payout} voice minutes "
            f"({len(paid)} payout(s))."
        )
        if any(p.is_test for p in paid):
            lines.append("Test mode: recorded as a test, not added to your balance.")
    if refused is not None:
        lines.append(refused.message)
    if after.ready:
        lines.append(f"{after.ready} more payout(s) wait for you.")
    return "\n".join(lines)
