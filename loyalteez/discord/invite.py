"""The invite link an operator opens to add the bot to a server, with exactly the permissions it needs.

The permissions come from the list `/setup check` audits (services/access/health.py), so the link and the
check can never disagree about what the bot needs.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

import discord

from loyalteez.services.access.health import PERMISSIONS

AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
SCOPES = ("bot", "applications.commands")


def permission_value() -> int:
    """The permission integer Discord's invite takes: every permission the features need, nothing more."""
    return discord.Permissions(**{p.name: True for p in PERMISSIONS}).value


def invite_url(client_id: int | str) -> str:
    query = {"client_id": str(client_id), "permissions": str(permission_value()), "scope": " ".join(SCOPES)}
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


def client_id_from_token(token: str | None) -> str | None:
    """A bot token's first part is the application's id in base64; None when the token has no such part."""
    head = (token or "").split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded if decoded.isdigit() else None
