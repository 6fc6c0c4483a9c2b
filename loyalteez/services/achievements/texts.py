"""What achievements say to admins and members."""

from __future__ import annotations

from collections.abc import Sequence

TYPE_UNITS = {
    "message_count": "messages",
    "voice_hours": "voice hours",
    "streak_days": "streak days",
    "reactions_count": "reactions",
    "ltz_earned": "LTZ earned",
    "checkins": "check-ins",
    "drops_claimed": "drops claimed",
}
ACHIEVEMENT_TYPE_FIXED = (
    "type can't change once an achievement exists (members' progress counts it): create "
    "a new achievement and toggle this one off."
)


def achievement_created(name: str, kind: str, threshold: int, reward: int, done: int) -> str:
    paid = f"{reward:,} LTZ" if reward else "a badge, no LTZ"
    already = f" {done:,} member(s) already reached it from their past activity." if done else ""
    return f"Created **{name}**: {threshold:,} {TYPE_UNITS[kind]} → {paid}.{already}"


def achievement_updated(name: str, kind: str, threshold: int, reward: int) -> str:
    return f"Updated **{name}**: {threshold:,} {TYPE_UNITS[kind]} → {reward:,} LTZ."


def achievement_toggled(name: str, active: bool) -> str:
    return f"**{name}** is now {'on' if active else 'off'}."


def achievement_line(name: str, kind: str, threshold: int, reward: int, active: bool, done: int) -> str:
    state = "on" if active else "off"
    return f"**{name}** ({state}): {threshold:,} {TYPE_UNITS[kind]} → {reward:,} LTZ · completed by {done:,}"


ACHIEVEMENT_PAID = "🏆 You earned **{amount:,} LTZ** for **{name}**{detail}."
ACHIEVEMENT_ALREADY = "You already claimed **{name}**."
ACHIEVEMENT_NOT_DONE = "**{name}** isn't completed yet: {progress:,}/{threshold:,} {unit}."
ACHIEVEMENT_NO_REWARD = "**{name}** is a badge: there is no LTZ to claim."
ACHIEVEMENT_GONE = "That achievement doesn't exist any more."
NO_ACHIEVEMENTS = "This server has no achievements yet."


def achievements_unlocked(server: str, names: Sequence[str]) -> str:
    listed = ", ".join(f"**{n}**" for n in names)
    plural = "s" if len(names) > 1 else ""
    return f"🏆 Achievement{plural} unlocked on **{server}**: {listed}. Claim with /achievements."
