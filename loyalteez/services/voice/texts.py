"""Every sentence /voice check and /voice claim show, in one place for review and translation."""

from __future__ import annotations

from collections.abc import Sequence

from loyalteez.services.rewards.outcomes import Outcome, Paid, Refused
from loyalteez.services.voice.service import Reason, VoiceProgress

REASONS = {
    Reason.COUNTING: "counting now",
    Reason.AFK: "not counting: you're in the AFK channel",
    Reason.EXCLUDED: "not counting: this channel doesn't earn",
    Reason.DEAFENED: "not counting while you're deafened",
    Reason.ALONE: "not counting: nobody else is in your channel",
}


def progress(p: VoiceProgress) -> str:
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


def claim(outcomes: Sequence[Outcome], after: VoiceProgress) -> str:
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
