"""Every sentence /daily, /streak and /config streaks show, in one place for review and translation.

Times use Discord's timestamp markup (<t:unix:R>, <t:unix:f>), which each reader's client shows in their zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from loyalteez.services.rewards import texts as reward_texts
from loyalteez.services.rewards.outcomes import Outcome, Paid, RefusalReason, Refused

if TYPE_CHECKING:  # the service words its refusals with this module, so it is imported for types only
    from loyalteez.services.streaks.service import Checkin, MilestoneClaim, StreakStatus
    from loyalteez.services.streaks.settings import StreakSettings


def at(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:f>"


def factor(value: Decimal | float) -> str:
    return f"×{Decimal(str(value)).normalize():f}"


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _reward(outcome: Outcome | None) -> str:
    if isinstance(outcome, Paid):
        return reward_texts.paid(outcome)
    if isinstance(outcome, Refused):
        return f"No reward this time: {outcome.message}"
    return ""


def _milestone(next_milestone: tuple[int, int] | None, streak: int) -> str:
    if next_milestone is None:
        return "You've passed every milestone."
    day, amount = next_milestone
    return f"Next milestone: **{days(day)}** ({amount:,} LTZ), {days(day - streak)} to go."


def streak_state(current: int, longest: int) -> str:
    """Where a member's streak stands, worded once for /daily and /streak alike (no "0 days" streak)."""
    if current:
        return f"Your streak: **{days(current)}**"
    if longest:
        return f"No live streak (longest {days(longest)})"
    return "No streak yet"


# -- /daily ---------------------------------------------------------------------------------------------------


def checkin(result: Checkin) -> str:
    if not result.done:
        return (
            f"You've already checked in today. {streak_state(result.streak, result.longest)}. "
            f"Come back {reward_texts.when(result.next_checkin)}, when the next check-in opens."
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
        f"Next check-in opens {reward_texts.when(result.next_checkin)}; "
        f"check in before {at(result.keep_until)} to keep the streak."
    )
    return "\n".join(line for line in lines if line)


# -- /streak ----------------------------------------------------------------------------------------------------


def status(s: StreakStatus) -> str:
    state = streak_state(s.current, s.longest)
    if s.current:
        head = f"{state} (longest {days(s.longest)})."
    elif s.longest:
        head = f"{state}: it ran out. Start a new one with `/daily`."
    else:
        head = f"{state}: check in with `/daily` every day to start one."
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
            lines.append(f"{days(claim.day).capitalize()} milestone: {reward_texts.paid(claim.outcome)}")
        elif claim.outcome.reason is RefusalReason.DUPLICATE:
            lines.append(f"You've already claimed the {days(claim.day)} milestone.")
        else:
            lines.append(f"{days(claim.day).capitalize()} milestone: {claim.outcome.message}")
    return "\n".join(lines)


def leaderboard_line(rank: int, member_id: str, current: int, longest: int, medal: str) -> str:
    return f"{medal} <@{member_id}> — **{days(current)}** (longest {days(longest)})"


NO_STREAKS = "Nobody has a live streak yet. Start one with `/daily`."
LEADERBOARD_TITLE = "🔥 Longest live streaks"


# -- /config streaks --------------------------------------------------------------------------------------------


def settings(s: StreakSettings) -> str:
    tiers = ", ".join(f"{factor(f)} from day {d}" for d, f in s.multipliers) or "none"
    stones = ", ".join(f"{days(d)} → {a:,} LTZ" for d, a in s.milestones) or "none"
    return (
        f"Grace period: {s.grace_hours} h after the end of a check-in's UTC day.\n"
        f"Multipliers: {tiers}.\nMilestones: {stones}."
    )


def settings_updated(s: StreakSettings) -> str:
    return "Streak rules updated.\n" + settings(s)


# -- refusals (ValidationError messages; the bot capitalises the first letter) ---------------------------------

FACTOR_SHRINKS = "multipliers: a longer streak can't have a smaller factor."
NOTHING_TO_CHANGE = "give grace-period, multipliers, milestones or reset."


def grace_range(low: int, high: int) -> str:
    return f"grace-period must be from {low} to {high} hours."


def factor_range(low: Decimal, high: Decimal) -> str:
    return f"multipliers: each factor must be from {low} to {high}."


def milestone_amount_range(low: int, high: int) -> str:
    return f"milestones: each reward must be a whole {low:,} to {high:,} LTZ."


def pairs_expected(field: str, example: str) -> str:
    return f"{field}: write day:value pairs, e.g. `{example}` (or `none`)."


def day_range(field: str, low: int, high: int) -> str:
    return f"{field}: days must be from {low} to {high:,}."


def day_twice(field: str, day: int) -> str:
    return f"{field}: day {day} is given twice."


def pairs_count(field: str, most: int) -> str:
    return f"{field}: give 1 to {most} day:value pairs (or `none`)."


def milestone_unknown(days: Iterable[int]) -> str:
    allowed = ", ".join(str(d) for d in days) or "none on this server"
    return f"milestone: must be one of {allowed} (days)."
