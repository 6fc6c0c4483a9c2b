"""User-facing wording for setup and help, in one place so it can be reviewed and translated."""

from __future__ import annotations

from datetime import timedelta

NOT_CONNECTED = (
    "This server isn't connected to a Loyalteez brand yet, so nothing earns LTZ here. "
    "A server admin can link it with /setup connect."
)
SETUP_WRONG_KEY = "That brand id and security key don't match. Nothing was changed."
SETUP_LOCKED = "Too many wrong keys for this server. Try again in {wait}."
SETUP_LINKED_ELSEWHERE = "This server is connected to another brand. Run /setup disconnect first, then connect again."
SETUP_CONNECTED = "Connected to **{brand}**. Members now earn LTZ here; default reward events are on."
SETUP_ALREADY = "This server was already connected to **{brand}**; the link is refreshed."
SETUP_NOT_CONNECTED_STATUS = "This server is not connected to a brand. Link it with /setup connect."
SETUP_DISCONNECTED = (
    "Disconnected. Member stats and streaks were removed ({stats} members); the audit log, KPI "
    "snapshots and drop claims are kept."
)
NEEDS_MANAGE_SERVER = "Only server admins (Manage Server permission) can use /setup."
DM_NEEDS_SERVER = "Earning needs a server: use this command in a server where the bot is connected."
DM_NO_BALANCES = "You haven't earned LTZ on any connected server yet."
LINK_PLACEHOLDER = (
    "Your Discord id is `{user_id}`. Linking it to an external Loyalteez account (wallet or email) is not "
    "available in the self-hosted bot yet; your LTZ are kept per server under this id."
)
GUILD_ONLY = "That command only works in a server, not in DMs."
UNEXPECTED = "Something went wrong on our side; it was logged. Please try again."


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
