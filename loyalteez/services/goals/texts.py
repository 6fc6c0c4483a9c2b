"""What community goals say to admins and members."""

from __future__ import annotations

BAD_DEADLINE = "deadline: use the date as YYYY-MM-DD (UTC), e.g. 2026-12-31."
PAST_DEADLINE = "deadline is in the past: give today ({today}) or a later day (YYYY-MM-DD, UTC)."

GOAL_UNITS = {
    "users": "earning members",
    "dau": "members earning in one day",
    "ltz_distributed": "LTZ paid",
    "custom": "",
}
GOAL_STATUS = {"active": "in progress", "completed": "✅ reached", "missed": "❌ missed", "ended": "ended"}
GOAL_NOT_CUSTOM = "only custom goals are moved by hand; {kind} goals move with members' activity."
NO_GOALS = "No community goals right now."


def amount(value: float, target: float, kind: str) -> str:
    """'25/60 LTZ paid', or '12/10' for a custom goal, which has no unit (so no space before what follows)."""
    unit = GOAL_UNITS[kind]
    return f"{value:,g}/{target:,g}" + (f" {unit}" if unit else "")


def goal_created(name: str, kind: str, target: float, value: float, deadline: object) -> str:
    due = f", by {deadline}" if deadline else ""
    return f"Goal **{name}**: {amount(value, target, kind)}{due}."


def goal_reached(name: str, value: float, target: float, kind: str) -> str:
    return f"🎯 Community goal reached: **{name}** ({amount(value, target, kind)})!"


def goal_moved(name: str, value: float, target: float) -> str:
    return f"**{name}** is now at {value:,g}/{target:,g}."


def goal_ended(name: str) -> str:
    return f"Ended the goal **{name}**; it stays in /goal list."


def goal_over(name: str, deadline: object) -> str:
    return f"**{name}** ended on {deadline}, its deadline: it no longer moves."
