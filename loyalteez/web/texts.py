"""What the dashboard says, in one place to review and translate (fixed sentences UPPER, others functions)."""

from __future__ import annotations

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
