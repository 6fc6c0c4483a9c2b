"""What the dashboard says, in one place to review and translate (fixed sentences UPPER, others functions)."""

from __future__ import annotations

from datetime import date, datetime

NOT_FOUND = "There is no such page here, or it is not yours to see."
SIGN_IN_NEEDED = "Sign in with Discord to see this page."
CSRF_REJECTED = "This form expired or came from another site: reload the page and try again."
SIGN_IN_UNAVAILABLE = (
    "Discord sign-in is not set up on this bot: its operator sets DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET, "
    "or signs in with a link from `python bot.py web-login --server ID`."
)
OAUTH_FAILED = "Discord sign-in did not complete: the link was used already or is too old. Sign in again."
OAUTH_DENIED = "Discord sign-in was cancelled; nothing was shared."
LINK_INVALID = "This sign-in link is unknown, used already or expired. Print a new one with `python bot.py web-login`."
SIGNED_OUT = "You are signed out."
NO_SERVERS = "None of your servers is connected to this bot yet."
NOT_PUBLIC_HINT = "This server's leaderboard is only for its members; a full admin can share it with /config web."
EMPTY_BOARD = "Nobody has earned anything here yet."
NO_GOALS = "No community goal is running right now."
NO_HISTORY = "No rewards yet: take part on the server and they show up here."
NO_PERKS = "No perks bought yet."
NO_ACHIEVEMENTS = "This server has no achievements yet."
BAD_REQUEST = "That request was not understood."


def permission_needed(message: str) -> str:
    """The services' sentence is written for Discord (bold with **); the page shows it plain."""
    return message.replace("**", "")


def operator_name(server: str) -> str:
    return f"Operator of {server}"


# -- viewer pages ----------------------------------------------------------------------------------------------

NO_KPI_VALUES = "No snapshot in this window yet: the first is written at the first midnight (UTC) after connecting."
CHART_EMPTY = "no value on these days"
NO_AUDIT = "No audit entries match these filters."
NO_LEDGER = "Nothing has been paid on this server yet."
SEGMENT_EMPTY = "Nobody in this segment right now."
NO_BREAKDOWN = "Nothing paid in this period yet."


def segment_value(segment: str, value: object) -> str:
    """A member's value in a segment, as the page shows it (Discord's own markup has no place here)."""
    if segment == "whales":
        return f"{value:,} LTZ" if isinstance(value, int) else str(value)
    if segment == "power_users":
        return f"active {value} of 7 days"
    if segment == "voice_regulars":
        return f"{value} voice sessions"
    if segment == "new" and isinstance(value, datetime):
        return f"joined {value:%Y-%m-%d %H:%M} UTC"
    if isinstance(value, date):
        return f"last active {value:%Y-%m-%d}"
    if segment == "dormant" and value is None:
        return "never active since joining"
    return "" if value is None else str(value)


def audit_details(value: object) -> str:
    """An audit row's details as one line: `key: value` pairs (the CSV has them whole)."""
    if isinstance(value, dict):
        return ", ".join(f"{key}: {audit_details(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(audit_details(item) for item in value)
    return "" if value is None else str(value)


# -- the manage pages ---------------------------------------------------------------------------------------
NO_FILES = "This form takes no files."
NO_EVENTS = "No reward events yet: create one below."
NO_DROPS = "No live drops right now."
NO_PERKS_ON_SALE = "Nothing is on sale yet: create a perk below."
NO_BOT = "The bot is not connected to Discord right now, so nothing can be posted: try again in a minute."
SAVED = "Saved. It applies in Discord at once."


def field_too_long(name: str) -> str:
    return f"{name}: that is far too long for this field."


def whole_number(name: str) -> str:
    return f"{name} must be a whole number."


def a_number(name: str) -> str:
    return f"{name} must be a number."


def plain(message: str) -> str:
    """A services' sentence written for Discord (bold, code), shown as plain text."""
    return message.replace("**", "").replace("`", "")
