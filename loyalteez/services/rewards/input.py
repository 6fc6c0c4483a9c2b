"""Admin command options as typed text, turned into values (after the caller's level was checked)."""

from __future__ import annotations

import re
from collections.abc import Collection

from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts

_MENTION = re.compile(r"<#(\d+)>|(\d{15,20})")


def channel_ids(text: str | None, server_channels: Collection[str]) -> list[str] | None:
    """'#a, #b' or ids -> ids of this server's channels (`server_channels`); anything else is a ValidationError.

    None: not given (keep as is); 'any', 'all', 'none' or blank: anywhere ([]).
    """
    if text is None:
        return None
    if text.strip().lower() in ("", "any", "all", "none"):
        return []
    found = [m.group(1) or m.group(2) for m in _MENTION.finditer(text)]
    leftover = _MENTION.sub("", text).replace(",", " ").strip()
    if leftover or not found:
        raise ValidationError("channels", texts.CHANNELS_BAD)
    for channel_id in found:
        if str(int(channel_id)) not in server_channels:
            raise ValidationError("channels", texts.channel_not_of_server(channel_id))
    return list(dict.fromkeys(found))


def keyword_list(text: str | None) -> list[str] | None:
    """'gm, good morning' -> ['gm', 'good morning']; None: not given."""
    return None if text is None else [k.strip() for k in text.split(",") if k.strip()]
