"""One dispatcher per gateway event type, routing to the features; buttons routed by their custom_id's prefix.

py-cord starts a task for every listener of every event: with three features listening to messages, each
chat message cost three tasks, most of which returned at once. Features mark their handlers instead:

    @on("message")                      # a method of a cog; gets the event's arguments
    @clicks("drop:")                    # answers buttons whose custom_id starts with "drop:" (gets the rest)
    @reads("message")                   # reads a chat event from the gateway's payload (chat_payloads.py)

and the bot (discord/bot.py) hands every event to `Dispatcher.dispatch`:
  * chat events (messages, reactions) go through the chat backlog (backlog.py), in arrival order, with no
    task of their own; a handler whose work is slow (a REST call) starts its own task for that part;
  * other frequent events run their handlers one after the other in one task;
  * lifecycle events (ready, resumed, guild joins, ...) run each handler in a task of its own, as before,
    so a long catch-up does not hold up the others.
A handler that raises is logged by the bot's `on_error` and the next one still runs.

A chat payload's py-cord object is built only for the features that need it: a feature with a `@reads`
reader for the event gets a view of the payload first and handles it there, or answers False to get its
`@on` handlers called with py-cord's object as before. py-cord builds nothing when every feature is done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from loyalteez.discord.acknowledge import OwnConnections, defer_click
from loyalteez.discord.backlog import CHAT_EVENTS, Answering, ChatBacklog
from loyalteez.discord.chat_payloads import ChatMessage, ChatReaction, read_message, read_reaction

log = logging.getLogger("loyalteez.discord")

F = TypeVar("F", bound=Callable[..., Any])
Handler = Callable[..., Coroutine[Any, Any, None]]
EVENTS = "__loyalteez_events__"
CLICKS = "__loyalteez_clicks__"
READS = "__loyalteez_reads__"
# The chat payloads features may read without py-cord's objects, and the py-cord event each one becomes.
PAYLOAD_EVENTS = {
    "MESSAGE_CREATE": "message",
    "MESSAGE_REACTION_ADD": "raw_reaction_add",
    "MESSAGE_REACTION_REMOVE": "raw_reaction_remove",
}
# A malformed payload makes a reader fail like py-cord's parser would: the feature then gets py-cord's object,
# whose parser logs and skips it as before.
_PAYLOAD_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)
Reader = Callable[[Any], Awaitable[bool]]
# Frequent events whose handlers are quick: one task each, handlers in order.
IN_ORDER = frozenset({"voice_state_update", "member_join", "member_remove", "member_update"})
CANCEL_GRACE = 2.0  # seconds a cancelled handler gets to roll back its transaction


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


def reads(event: str) -> Callable[[F], F]:
    """Mark a feature's method reading `event` straight from its gateway payload, ahead of its `@on(event)`
    handlers: it gets a ChatMessage or ChatReaction and returns True when it is done with the event, False
    when the feature needs py-cord's object after all (then its `@on` handlers get it)."""
    if event not in PAYLOAD_EVENTS.values():
        raise ValueError(f"no payload reader for {event!r} events")

    def mark(method: F) -> F:
        setattr(method, READS, event)
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
        self.readers: dict[str, dict[object, Reader]] = {}  # event -> feature -> its payload reader
        self.answering = Answering()  # commands and clicks being handled now: chat yields to them (backlog.py)
        self.backlog = ChatBacklog(self.run_in_order, self.answering, self.read_payload)
        self.background: set[asyncio.Task[Any]] = set()  # chat handlers' slow parts (in_background)
        self.acknowledging = OwnConnections()  # acknowledgements' own HTTP connections (acknowledge.py)

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
            read = getattr(method, READS, None)
            if read is not None:
                self.readers.setdefault(read, {})[feature] = method
        self.routes.sort(key=lambda r: len(r.prefix), reverse=True)  # the most specific prefix wins

    def forget(self, feature: object) -> None:
        for event, handlers in list(self.handlers.items()):
            kept = [h for h in handlers if getattr(h, "__self__", None) is not feature]
            self.handlers[event] = kept
        self.routes = [r for r in self.routes if getattr(r.handler, "__self__", None) is not feature]
        for readers in self.readers.values():
            readers.pop(feature, None)

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

    async def read_payload(self, payload: str, data: Any) -> list[Handler] | None:
        """Hand a chat payload to the features' readers; the handlers that still need py-cord's object (None:
        all of them, as when no view can be built or something outside the features also listens)."""
        event = PAYLOAD_EVENTS[payload]
        readers = self.readers.get(event)
        if not readers or self._others_listen(event):
            return None
        state = self.bot._connection
        view: ChatMessage | ChatReaction | None
        try:
            view = read_message(state, data) if event == "message" else read_reaction(state, data)
        except _PAYLOAD_ERRORS:
            return None
        if view is None:
            return None
        waiting: list[Handler] = []
        done: dict[object, bool] = {}
        for handler in self.handlers.get(event, ()):
            feature = getattr(handler, "__self__", None)
            reader = readers.get(feature)
            if reader is None:
                waiting.append(handler)
                continue
            if feature not in done:
                done[feature] = await self._read(event, reader, view)
            if not done[feature]:
                waiting.append(handler)
        return waiting

    async def _read(self, event: str, reader: Reader, view: ChatMessage | ChatReaction) -> bool:
        try:
            return await reader(view)
        except _PAYLOAD_ERRORS:
            return False
        except Exception:
            await self.bot.on_error(f"on_{event}", view)
            return True

    def _others_listen(self, event: str) -> bool:
        """Does anything besides the features' handlers wait for `event` (wait_for, @listen, an on_ method)?"""
        bot = self.bot
        method = f"on_{event}"
        return bool(bot._listeners.get(event) or bot._event_handlers.get(method) or hasattr(bot, method))

    def _schedule(self, runner: Handler, event: str, *args: Any) -> None:
        # py-cord's scheduler: the task is named "pycord: on_<event>" and kept until done, like its own.
        self.bot._schedule_event(runner, f"on_{event}", event, *args)

    async def run_in_order(self, event: str, handlers: list[Handler], args: tuple[Any, ...]) -> None:
        for handler in handlers:
            try:
                await handler(*args)
            except Exception:
                await self.bot.on_error(f"on_{event}", *args)

    # -- stopping ----------------------------------------------------------------------------------------------

    def busy(self) -> set[asyncio.Task[Any]]:
        """What the bot is still doing with events it has read: answering commands and clicks, queued chat,
        chat handlers' slow parts."""
        tasks = self.answering.tasks() | {t for t in self.background if not t.done()}
        chat = self.backlog.task()
        if chat is not None:
            tasks.add(chat)
        tasks.discard(asyncio.current_task())
        return tasks

    async def finish(self, within: float) -> int:
        """Let the events already read be handled (the gateway no longer delivers new ones), for at most
        `within` seconds: a command or click was acknowledged, so its member waits for the answer, which
        needs the HTTP session and the database the bot is about to close. What is still running at the
        deadline is cancelled (its transaction rolls back: nothing is paid unanswered that was not already
        committed); returns how many were."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        await asyncio.sleep(0)  # a handler py-cord has just scheduled takes its first step: it is counted
        while busy := self.busy():  # a handler may start another (a chat handler's slow part)
            remaining = deadline - loop.time()
            if remaining <= 0:
                for task in busy:
                    task.cancel()
                await asyncio.wait(busy, timeout=CANCEL_GRACE)
                return len(busy)
            await asyncio.wait(busy, timeout=remaining)
        return 0

    # -- buttons ---------------------------------------------------------------------------------------------

    async def click(self, interaction: discord.Interaction) -> bool:
        """Answer a button by its custom_id's prefix; False when no feature claims it."""
        custom_id = interaction.custom_id or ""
        route = next((r for r in self.routes if custom_id.startswith(r.prefix)), None)
        if route is None or interaction.guild_id is None:
            return False
        if await defer_click(interaction, updates_message=route.updates_message, via=self.acknowledging):
            await route.handler(interaction, custom_id.removeprefix(route.prefix))
        return True


def _marked_names(cls: type) -> list[str]:
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if any(hasattr(value, mark) for mark in (EVENTS, CLICKS, READS)) and name not in names:
                names.append(name)
    return names


def in_background(bot: discord.Client, event: str, work: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> None:
    """Run a chat handler's slow part (a REST call, a claim) in a task of its own, so the backlog moves on;
    its failure is logged by the bot's `on_error` like any handler's; a stopping bot lets it finish."""
    task = bot._schedule_event(work, f"on_{event}", *args)
    dispatcher = getattr(bot, "dispatcher", None)
    if isinstance(dispatcher, Dispatcher):
        dispatcher.background.add(task)
        task.add_done_callback(dispatcher.background.discard)
