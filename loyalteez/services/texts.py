"""User-facing wording every adapter shares: why nothing happens here, and durations."""

from __future__ import annotations

from datetime import timedelta

NOT_CONNECTED = (
    "This server isn't connected to a Loyalteez brand yet, so nothing earns LTZ here. "
    "A server admin can link it with /setup connect."
)
DM_NEEDS_SERVER = "Earning needs a server: use this command in a server where the bot is connected."
GUILD_ONLY = "That command only works in a server, not in DMs."
UNEXPECTED = "Something went wrong on our side; it was logged. Please try again."


def nul_in_option(option: str) -> str:
    """A string option holding U+0000, which PostgreSQL cannot store."""
    return f"**{option}** contains a NUL character (\\0), which can't be stored: remove it and try again."


def duration(delta: timedelta) -> str:
    """A short human duration: '45s', '3m', '2h 5m', '1d 4h'."""
    seconds = max(1, int(delta.total_seconds() + 0.999))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m {secs}s" if secs and minutes < 5 else f"{minutes}m"
    return f"{secs}s"


def link_placeholder(user_id: str) -> str:
    """/link: there is no external account to link to in the self-hosted bot."""
    return (
        f"Your Discord id is `{user_id}`. Linking it to an external Loyalteez account (wallet or email) is not "
        "available in the self-hosted bot yet; your LTZ are kept per server under this id."
    )


# -- filters of the admin listings (the dashboard's audit log) ------------------------------------------------

BAD_MEMBER_ID = "member: give a member's name, @mention or Discord id (15-21 digits), or leave it empty"


def no_member_named(typed: str) -> str:
    return (
        f"member: no member of this server is called “{typed}”; give their name as the server shows it, "
        "an @mention or their Discord id"
    )


def members_named(typed: str, names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return (
        f"member: {len(names)} members of this server match “{typed}” ({shown}); give more of the name, "
        "an @mention or their Discord id"
    )


DAYS_REVERSED = "to: the last day comes on or after the first day"


def bad_day(option: str) -> str:
    return f"{option}: give a day as YYYY-MM-DD, e.g. 2026-03-01"


def event_too_long(limit: int) -> str:
    return f"event: an event name has at most {limit} characters"
