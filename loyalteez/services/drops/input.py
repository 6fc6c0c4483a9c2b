"""Checks for what admins type into /drop and /watch (the shared ones are in services/common/input.py)."""

from __future__ import annotations

import re

from loyalteez.services.drops import texts
from loyalteez.services.errors import ValidationError

_MESSAGE_LINK = re.compile(r"^https?://(?:\w+\.)?discord(?:app)?\.com/channels/(\d+|@me)/(\d+)/(\d+)/?$")
_SNOWFLAKE = re.compile(r"^\d{15,21}$")

LABEL_MAX = 80


def message_ref(text: str) -> tuple[str | None, str | None, str]:
    """A message id or link -> (guild id or None, channel id or None, message id)."""
    raw = (text or "").strip()
    link = _MESSAGE_LINK.match(raw)
    if link:
        guild, channel, message = link.groups()
        return (None if guild == "@me" else guild), channel, message
    if _SNOWFLAKE.match(raw):
        return None, None, raw
    raise ValidationError("message-id", texts.BAD_MESSAGE_REF)
