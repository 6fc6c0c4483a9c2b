"""Commands that only read answer in one request to Discord when their answer is ready at once.

Every other command is acknowledged before it touches the database (acknowledge.py): a deferral, then the
answer as a follow-up, two requests. A command that only reads (/balance, /leaderboard, /help, ...) pays
nothing and changes nothing, so nothing is lost if it runs before it is acknowledged. It starts at once; when
its answer is on its way within QUICK_ANSWER seconds, that answer is the acknowledgement: the member sees it
one round trip sooner (in the load benchmark their median answer came about 30 % sooner), and Discord gets
half the requests. A slower one is deferred then, well within Discord's 3 s, and answers with a follow-up
like any other command.

The answer and the deferral never both go: the answer claims the acknowledgement before it is sent, so the
deadline passing stands down; a deferral already under way makes the answer wait for it and follow up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import discord

from loyalteez.discord.acknowledge import OwnConnections, defer_command

F = TypeVar("F")
QUICK_ANSWER = 0.5  # seconds a command that only reads may take before it is deferred
ONLY_READS = "__loyalteez_only_reads__"


def only_reads(command: F) -> F:
    """Mark a command that pays nothing and changes nothing: it may answer without a deferral first."""
    # On the function: py-cord copies a cog's command objects, but their callback stays the same.
    setattr(getattr(command, "callback", command), ONLY_READS, True)
    return command


def marked_only_reads(command: object) -> bool:
    return bool(getattr(getattr(command, "callback", None), ONLY_READS, False))


@dataclass
class _Race:
    """One command racing its deadline: whichever of its answer and its deferral starts first acknowledges."""

    via: OwnConnections | None
    deferral: asyncio.Future[bool] | None = None
    answering: bool = False


_racing: dict[int, _Race] = {}  # by interaction id, while the command runs


async def run_answering_at_once(
    ctx: discord.ApplicationContext, run: Callable[[], Awaitable[None]], via: OwnConnections | None = None
) -> None:
    """Run a command that only reads; defer it only if its answer has not started within QUICK_ANSWER."""
    interaction_id = ctx.interaction.id
    race = _racing[interaction_id] = _Race(via)
    command = asyncio.ensure_future(run())
    try:
        await asyncio.wait({command}, timeout=QUICK_ANSWER)
        if not command.done() and not race.answering:
            race.deferral = asyncio.ensure_future(defer_command(ctx, via))
            if not await race.deferral:
                command.cancel()  # Discord no longer takes the interaction: its answer would go nowhere
        await asyncio.wait({command})
        if not command.cancelled():
            command.result()  # an error the command's own handling let through reaches the bot's on_error
    finally:
        _racing.pop(interaction_id, None)
        if not command.done():  # the bot is stopping
            command.cancel()


async def acknowledging_answer(interaction: discord.Interaction) -> OwnConnections | None:
    """Before an answer: for a command racing its deadline, wait for a deferral under way (the answer then
    follows up), or claim the acknowledgement: the answer then travels on the connections returned, the
    acknowledgements' own (acknowledge.py). None: it travels as any answer does."""
    race = _racing.get(interaction.id)
    if race is None:
        return None
    if race.deferral is not None:
        await race.deferral
        return None
    race.answering = True
    return None if interaction.response.is_done() else race.via
