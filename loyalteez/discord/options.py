"""Checks every slash command's options share, run once before any command (a global check of the bot).

PostgreSQL cannot store U+0000 in text, and no option has a use for it, so a string option carrying one is
refused here, in one sentence, instead of failing deep in the store ("Something went wrong") or being saved
on SQLite only. The interaction's raw options are walked, so subcommands and every string option are covered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import discord

from loyalteez.services import texts

STRING_OPTION = 3  # Discord's application command option type for strings


def nul_option(options: Iterable[dict[str, Any]]) -> str | None:
    """The name of the first string option (at any subcommand depth) holding a NUL character, or None."""
    for option in options:
        nested = option.get("options")
        if nested:
            found = nul_option(nested)
            if found is not None:
                return found
        value = option.get("value")
        if option.get("type") == STRING_OPTION and isinstance(value, str) and "\x00" in value:
            return str(option.get("name") or "?")
    return None


async def no_nul_characters(ctx: discord.ApplicationContext) -> bool:
    """A global check: a CheckFailure's text is the caller's reply (see LoyalteezBot's error handler)."""
    data: dict[str, Any] = dict(ctx.interaction.data or {})
    found = nul_option(data.get("options") or [])
    if found is not None:
        raise discord.CheckFailure(texts.nul_in_option(found))
    return True
