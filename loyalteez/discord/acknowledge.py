"""Every command is acknowledged before it touches the database, so none fails under load or a slow database.

Discord drops an interaction nobody acknowledged within 3 seconds ("The application did not respond").
A command's database work can take longer than that (a busy bot, a far-away PostgreSQL), so the bot defers
every slash command as soon as it arrives and the command answers with a follow-up (`replies.send`), which
Discord accepts for 15 minutes. The deferral decides who sees the answer: ephemeral unless the command is
marked `@public_reply()`.

If even the acknowledgement cannot be delivered (the interaction expired while the bot was overloaded),
the command does not run: nothing is paid that the member would never be told about.

Acknowledgements travel on HTTP connections of their own (`OwnConnections`): py-cord sends every request
through one session holding at most 100 connections, and under load the answers (which Discord takes for
15 minutes) held them all while acknowledgements (3 s) queued behind them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import aiohttp
import discord

log = logging.getLogger("loyalteez.discord")

F = TypeVar("F")
Options = Mapping[str, Any]
PUBLIC = "__loyalteez_public_reply__"
# Commands deferred in public whose "thinking…" message still shows: a refusal must not be posted there.
# Answered ones leave at once; the bound only matters for commands that never answered (the oldest go).
_thinking_in_public: OrderedDict[int, None] = OrderedDict()
REMEMBERED = 10_000
# Discord waits 3 s for autocomplete choices; answering "none" in time beats answering nothing.
AUTOCOMPLETE_DEADLINE = 2.0


class OwnConnections:
    """The HTTP session acknowledgements use, apart from py-cord's: no acknowledgement waits for a connection
    behind answers. At twice the load the bot keeps up with (about 400 interactions a second), 2 to 10 % of
    the commands were acknowledged after Discord's 3 s that way (p99 3.0 s from arriving to acknowledged, now
    0.5 s). Its connections are not capped: each carries one short request, at most a few seconds' worth."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    @contextlib.contextmanager
    def carrying(self, interaction: discord.Interaction) -> Iterator[None]:
        """While acknowledging `interaction`: its requests go through this session (its answers then don't)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        shared = interaction._session
        interaction._session = self._session
        try:
            yield
        finally:
            interaction._session = shared

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def public_reply(when: Callable[[Options], bool] | None = None) -> Callable[[F], F]:
    """Mark a command whose answer the whole channel sees; `when` decides from the options it was given."""

    def mark(command: F) -> F:
        # On the function: py-cord copies a cog's command objects, but their callback stays the same.
        setattr(getattr(command, "callback", command), PUBLIC, when or _always)
        return command

    return mark


def _always(options: Options) -> bool:
    return True


def options_of(interaction: discord.Interaction) -> dict[str, Any]:
    """The values the member typed, by option name, looking inside subcommands."""
    found: dict[str, Any] = {}
    data: Mapping[str, Any] = interaction.data or {}  # py-cord types it as a union of payload shapes
    pending: list[Iterable[Mapping[str, Any]]] = [data.get("options") or []]
    while pending:
        for option in pending.pop():
            if "options" in option:
                pending.append(option["options"])
            elif "value" in option:
                found[option["name"]] = option["value"]
    return found


def is_public(ctx: discord.ApplicationContext) -> bool:
    when = getattr(getattr(ctx.command, "callback", None), PUBLIC, None)
    return bool(when and when(options_of(ctx.interaction)))


async def defer_command(ctx: discord.ApplicationContext, via: OwnConnections | None = None) -> bool:
    """Acknowledge a slash command at once; False when Discord no longer accepts it (the command must not run)."""
    if ctx.interaction.response.is_done():
        return True
    public = is_public(ctx)
    try:
        with via.carrying(ctx.interaction) if via is not None else contextlib.nullcontext():
            await ctx.defer(ephemeral=not public)
    except discord.HTTPException as exc:
        log.warning("acknowledging /%s in guild %s failed; not run: %s", ctx.command, ctx.guild_id, exc)
        return False
    if public:
        _thinking_in_public[ctx.interaction.id] = None
        while len(_thinking_in_public) > REMEMBERED:
            _thinking_in_public.popitem(last=False)
    return True


async def before_answer(interaction: discord.Interaction, *, ephemeral: bool) -> None:
    """A public command answering only its caller (a refusal, an error) first removes its public "thinking…"
    message: the first follow-up would otherwise replace it, for everyone to see."""
    if _thinking_in_public.pop(interaction.id, False) is False:
        return
    if ephemeral:
        try:
            await interaction.delete_original_response()
        except discord.HTTPException as exc:
            log.info("could not remove the thinking message of %s: %s", interaction.id, exc)


async def defer_click(
    interaction: discord.Interaction, *, updates_message: bool, via: OwnConnections | None = None
) -> bool:
    """Acknowledge a button: a 'thinking…' answer of its own, or an update of the clicked message."""
    if interaction.response.is_done():
        return True
    try:
        with via.carrying(interaction) if via is not None else contextlib.nullcontext():
            if updates_message:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=True, invisible=False)
    except discord.HTTPException as exc:
        log.warning("acknowledging a button in guild %s failed; not run: %s", interaction.guild_id, exc)
        return False
    return True


async def autocomplete_in_time(command: Any, ctx: discord.AutocompleteContext) -> None:
    """Run a command's autocomplete; when it is too slow, answer no choices rather than let Discord fail it."""
    interaction = ctx.interaction
    try:
        await asyncio.wait_for(command.invoke_autocomplete_callback(ctx), AUTOCOMPLETE_DEADLINE)
    except TimeoutError:
        log.info("autocomplete for /%s took over %.0f s; answered no choices", command, AUTOCOMPLETE_DEADLINE)
        if not interaction.response.is_done():
            try:
                await interaction.response.send_autocomplete_result(choices=[])
            except discord.HTTPException as exc:
                log.info("autocomplete for /%s could not be answered: %s", command, exc)
