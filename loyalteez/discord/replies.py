"""Sending replies the same way everywhere: short, ephemeral by default, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

import discord

log = logging.getLogger("loyalteez.discord")

# Discord's limits; the emulator enforces the same from Discord's own API description.
CONTENT_LIMIT = 2000


def clip(text: str, limit: int = CONTENT_LIMIT) -> str:
    """Keep a reply within Discord's limit rather than have the whole reply rejected."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def send(
    ctx: discord.ApplicationContext,
    text: str | None = None,
    *,
    embed: discord.Embed | None = None,
    ephemeral: bool = True,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """Answer an interaction, or follow up if it was already answered or deferred."""
    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if text is not None:
        kwargs["content"] = clip(text)
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    try:
        await ctx.respond(**kwargs)
    except discord.HTTPException as exc:
        log.warning("reply to /%s in guild %s failed: %s", ctx.command, ctx.guild_id, exc)


def describe(ctx: discord.ApplicationContext) -> str:
    """One-line context for the log: which command, where, by whom."""
    name = ctx.command.qualified_name if ctx.command else "?"
    return f"/{name} guild={ctx.guild_id} channel={ctx.channel_id} user={ctx.author.id if ctx.author else '?'}"
