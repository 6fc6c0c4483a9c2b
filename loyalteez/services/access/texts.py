"""User-facing wording for linking a server to a brand (/setup), in one place to review and translate."""

from __future__ import annotations

from datetime import timedelta

from loyalteez.services.texts import duration

SETUP_WRONG_KEY = "That brand id and security key don't match. Nothing was changed."
SETUP_LINKED_ELSEWHERE = "This server is connected to another brand. Run /setup disconnect first, then connect again."
SETUP_NOT_CONNECTED_STATUS = "This server is not connected to a brand. Link it with /setup connect."
NEEDS_MANAGE_SERVER = "Only server admins (Manage Server permission) can use /setup."


def setup_locked(wait: timedelta) -> str:
    return f"Too many wrong keys for this server. Try again in {duration(wait)}."


def setup_connected(brand: str) -> str:
    return f"Connected to **{brand}**. Members now earn LTZ here; default reward events are on."


def setup_already(brand: str) -> str:
    return f"This server was already connected to **{brand}**; the link is refreshed."


def setup_disconnected(members: int) -> str:
    return (
        f"Disconnected. Member stats and streaks were removed ({members} members); the audit log, KPI "
        "snapshots and drop claims are kept."
    )


def setup_locked_member(wait: timedelta) -> str:
    return f"Too many wrong keys from you. Try again in {duration(wait)}."


def web_public(public: bool) -> str:
    if public:
        return "The dashboard now shows this server's leaderboard and community goals to anyone with the link."
    return "The dashboard now shows this server's leaderboard and community goals to signed-in members only."
