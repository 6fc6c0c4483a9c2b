"""One dispatcher per gateway event type, routing to the features; buttons routed by their custom_id's prefix.

py-cord starts a task for every listener of every event: with three features listening to messages, each
chat message cost three tasks, most of which returned at once. Features mark their handlers instead:

    @on("message")                      # a method of a cog; gets the event's arguments
    @clicks("drop:")                    # answers buttons whose custom_id starts with "drop:" (gets the rest)

and the bot (discord/bot.py) hands every event to `Dispatcher.dispatch`:
  * chat events (messages, reactions) go through the chat backlog (backlog.py), in arrival order, with no
    task of their own; a handler whose work is slow (a REST call) starts its own task for that part;
  * other frequent events run their handlers one after the other in one task;
  * lifecycle events (ready, resumed, guild joins, ...) run each handler in a task of its own, as before,
    so a long catch-up does not hold up the others.
A handler that raises is logged by the bot's `on_error` and the next one still runs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from loyalteez.discord.acknowledge import defer_click
from loyalteez.discord.backlog import CHAT_EVENTS, Answering, ChatBacklog

log = logging.getLogger("loyalteez.discord")

F = TypeVar("F", bound=Callable[..., Any])
Handler = Callable[..., Coroutine[Any, Any, None]]
EVENTS = "__loyalteez_events__"
CLICKS = "__loyalteez_clicks__"
# Frequent events whose handlers are quick: one task each, handlers in order.
IN_ORDER = frozenset({"voice_state_update", "member_join", "member_remove", "member_update"})


def on(*events: str) -> Callable[[F], F]:
    """Mark a feature's method as a handler of gateway events (py-cord's names, without `on_`)."""

    def mark(method: F) -> F:
        setattr(method, EVENTS, (*getattr(method, EVENTS, ()), *events))
        return method

    return mark


def clicks(prefix: str, *, updates_message: bool = False) -> Callable[[F], F]:
    """Mark the method answering buttons whose custom_id starts with `prefix`; it gets (interaction, the rest).

    The click is acknowledged before the method runs: as an ephemeral "thinking…" answer of its own, or,
    with `updates_message`, as an update of the clicked message (paging buttons).
    """

    def mark(method: F) -> F:
        setattr(method, CLICKS, (prefix, updates_message))
        return method

    return mark


@dataclass(frozen=True)
class ClickRoute:
    prefix: str
    updates_message: bool
    handler: Callable[[discord.Interaction, str], Awaitable[None]]


class Dispatcher:
    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot
        self.handlers: dict[str, list[Handler]] = {}
        self.routes: list[ClickRoute] = []
        self.answering = Answering()  # commands and clicks being handled now: chat yields to them (backlog.py)
        self.backlog = ChatBacklog(self.run_in_order, self.answering)

    # -- registration -----------------------------------------------------------------------------------------

    def collect(self, feature: object) -> None:
        """Register a feature's marked methods (in the order the class defines them)."""
        for name in _marked_names(type(feature)):
            method = getattr(feature, name)
            for event in getattr(method, EVENTS, ()):
                self.handlers.setdefault(event, []).append(method)
            route = getattr(method, CLICKS, None)
            if route is not None:
                self.routes.append(ClickRoute(route[0], route[1], method))
        self.routes.sort(key=lambda r: len(r.prefix), reverse=True)  # the most specific prefix wins

    def forget(self, feature: object) -> None:
        for event, handlers in list(self.handlers.items()):
            kept = [h for h in handlers if getattr(h, "__self__", None) is not feature]
            self.handlers[event] = kept
        self.routes = [r for r in self.routes if getattr(r.handler, "__self__", None) is not feature]

    # -- events ----------------------------------------------------------------------------------------------

    def dispatch(self, event: str, args: tuple[Any, ...]) -> None:
        handlers = self.handlers.get(event)
        if not handlers:
            return
        if event in CHAT_EVENTS:
            self.backlog.handle(event, handlers, args)
        elif event in IN_ORDER or len(handlers) == 1:
            self._schedule(self.run_in_order, event, handlers, args)
        else:
            for handler in handlers:
                self._schedule(self.run_in_order, event, [handler], args)

    def _schedule(self, runner: Handler, event: str, *args: Any) -> None:
        # py-cord's scheduler: the task is named "pycord: on_<event>" and kept until done, like its own.
        self.bot._schedule_event(runner, f"on_{event}", event, *args)

    async def run_in_order(self, event: str, handlers: list[Handler], args: tuple[Any, ...]) -> None:
        for handler in handlers:
            try:
                await handler(*args)
            except Exception:
                await self.bot.on_error(f"on_{event}", *args)

    # -- buttons ---------------------------------------------------------------------------------------------

    async def click(self, interaction: discord.Interaction) -> bool:
        """Answer a button by its custom_id's prefix; False when no feature claims it."""
        custom_id = interaction.custom_id or ""
        route = next((r for r in self.routes if custom_id.startswith(r.prefix)), None)
        if route is None or interaction.guild_id is None:
            return False
        if await defer_click(interaction, updates_message=route.updates_message):
            await route.handler(interaction, custom_id.removeprefix(route.prefix))
        return True


def _marked_names(cls: type) -> list[str]:
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if (hasattr(value, EVENTS) or hasattr(value, CLICKS)) and name not in names:
                names.append(name)
    return names


def in_background(bot: discord.Client, event: str, work: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> None:
    """Run a chat handler's slow part (a REST call, a claim) in a task of its own, so the backlog moves on;
    its failure is logged by the bot's `on_error` like any handler's."""
    bot._schedule_event(work, f"on_{event}", *args)
