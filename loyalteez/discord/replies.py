"""Sending replies the same way everywhere: short, ephemeral by default, never a traceback.

Commands and buttons are acknowledged before they run (acknowledge.py), so an answer is a follow-up, which
Discord accepts for 15 minutes: one that fails for a passing reason (a 5xx, rate limits py-cord gave up on,
a dropped connection) is tried again, because a member who was paid must be told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
import discord

from loyalteez.discord.acknowledge import before_answer
from loyalteez.discord.quick_answer import acknowledging_answer

log = logging.getLogger("loyalteez.discord")

# Discord's limits; the emulator enforces the same from Discord's own API description.
CONTENT_LIMIT = 2000
# py-cord already tries each request 5 times; these rounds cover a longer outage within Discord's window.
ANSWER_ROUNDS = 4
ROUND_PAUSE = 1.0  # seconds, growing with each round


def clip(text: str, limit: int = CONTENT_LIMIT) -> str:
    """Keep a reply within Discord's limit rather than have the whole reply rejected."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _passing(exc: BaseException) -> bool:
    """A failure worth another try: the same request can succeed later."""
    if isinstance(exc, discord.HTTPException):
        return exc.status >= 500 or exc.status == 429
    return isinstance(exc, aiohttp.ClientError | OSError | TimeoutError)


async def send(
    target: discord.ApplicationContext | discord.Interaction,
    text: str | None = None,
    *,
    embed: discord.Embed | None = None,
    ephemeral: bool = True,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """Answer a command or a button, or follow up if it was already answered or deferred."""
    interaction = target.interaction if isinstance(target, discord.ApplicationContext) else target
    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if text is not None:
        kwargs["content"] = clip(text)
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    via = await acknowledging_answer(interaction)
    await before_answer(interaction, ephemeral=ephemeral)
    for round_ in range(1, ANSWER_ROUNDS + 1):
        try:
            with via.carrying(interaction) if via is not None else contextlib.nullcontext():
                await interaction.respond(**kwargs)
            return
        except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            if round_ == ANSWER_ROUNDS or not _passing(exc) or not interaction.response.is_done():
                log.warning("reply to %s in guild %s failed: %s", _what(target), interaction.guild_id, exc)
                return
            log.info("reply to %s failed (%s); trying again", _what(target), exc)
        if file is not None:
            file.reset()
        await asyncio.sleep(ROUND_PAUSE * round_)


async def update_clicked(interaction: discord.Interaction, *, embed: discord.Embed, view: discord.ui.View) -> None:
    """Show a paging button's new page in the message that was clicked (the click was deferred as an update)."""
    try:
        await interaction.edit(embed=embed, view=view)
    except discord.HTTPException as exc:
        log.warning("updating the clicked message in guild %s failed: %s", interaction.guild_id, exc)


def _what(target: discord.ApplicationContext | discord.Interaction) -> str:
    if isinstance(target, discord.ApplicationContext):
        return f"/{target.command}"
    return f"button {target.custom_id or '?'!r}"


def describe(ctx: discord.ApplicationContext) -> str:
    """One-line context for the log: which command, where, by whom."""
    name = ctx.command.qualified_name if ctx.command else "?"
    return f"/{name} guild={ctx.guild_id} channel={ctx.channel_id} user={ctx.author.id if ctx.author else '?'}"
