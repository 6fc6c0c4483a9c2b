"""The chat backlog: messages and reactions wait here so they never hold up a command or a button.

A busy server sends far more chat than interactions, and a chat event costs the bot real work (building
py-cord's Message, its author and mentions, then the reward handlers). If that work ran as each frame was
read, a burst of chat would sit in front of every command in the gateway stream, and past the bot's
capacity members' commands would expire unanswered. Instead the gateway reader only queues a chat event's
payload, still undecoded JSON where msgspec is installed (chat_frames.py); one consumer hands them in arrival
order to the features' payload readers (dispatch.py), has py-cord build its objects only for the features
that still need them, and runs their handlers, a slice at a time, giving the event loop back in between so
interactions are read and answered first. Under overload the backlog grows and rewards arrive late; nothing
is dropped, nothing is counted twice (the engine's keys), no command fails.

Handing the loop back is not enough once the bot is short of CPU: a command's database work takes turns of
the loop (each statement is one), and the database's writes are taken one command at a time, so slow turns
make a queue of members waiting for the write turn. So when a member has waited over `LATE` for an answer and
the loop is busy, chat pauses until they are answered (or `MOST_PAUSE` has passed, so chat always moves).

Only chat goes through here; everything else (interactions, voice, members, lifecycle) is handled as read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, NamedTuple

from loyalteez.discord import chat_frames

log = logging.getLogger("loyalteez.discord")

# py-cord's event names and the gateway events that produce them.
CHAT_EVENTS = frozenset({"message", "raw_reaction_add", "raw_reaction_remove"})
CHAT_PAYLOADS = ("MESSAGE_CREATE", "MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE")
# Chat handled per turn of the event loop before reading the gateway and answering interactions again: at
# most SLICE events and SLICE_SECONDS of loop time, because every await of a command (each database
# statement) waits for a turn, and a turn lasts as long as the work queued in it. Once a member has waited
# CROWDED, slices shrink to CROWDED_SLICE: past the bot's capacity, bigger slices left answers waiting over
# 10 s. Then chat also leaves the loop idle for YIELD_TO_INTERACTIONS after each slice, so interactions get
# the CPU first; not before: an idle step after every slice while anyone at all was being answered (half a
# millisecond, which the selector rounds up to one) capped chat and left the bot behind with CPU to spare
# (bench/load.py --sweep, three sweeps run one after another: saturation 8,264 events/s idling after every
# slice, 8,873 once a member has waited CROWDED, 9,207 never; at twice the saturation point 0 failed
# interactions in all three, acknowledgements' p99 308, 543 and 544 ms, commands' p99 0.65, 0.90 and 1.07 s;
# never idling, a rerun reached 2.3 s).
SLICE = 16
SLICE_SECONDS = 0.002
CROWDED = 0.2
CROWDED_SLICE = 4
YIELD_TO_INTERACTIONS = 0.0005
# A member waiting this long for an answer makes chat pause, in steps of PAUSE_STEP, while the loop is busy (a
# step that ends more than BUSY late); chat still takes a slice at least every MOST_PAUSE.
LATE = 0.5
PAUSE_STEP = 0.002
BUSY = 0.001
MOST_PAUSE = 0.25
TASK_NAME = "pycord: chat backlog"  # the emulator's settle() waits for "pycord: " tasks

Parser = Callable[[Any], None]
Runner = Callable[[str, list[Any], tuple[Any, ...]], Awaitable[None]]
# Features' payload readers (dispatch.py): the handlers still needing py-cord's object, None for all of them.
PayloadReader = Callable[[str, Any], Awaitable[list[Any] | None]]


class AfterQueued(NamedTuple):
    """A callback run once the chat queued before it has been handled (`ChatBacklog.after_queued`)."""

    callback: Callable[[], Awaitable[None]]


Queued = tuple[str, Parser, Any] | tuple[str, list[Any], tuple[Any, ...]] | AfterQueued


class Answering:
    """The commands and clicks being answered now, and since when: chat yields to them, and a stopping bot
    finishes them before it closes (each was acknowledged: the member waits for its answer)."""

    def __init__(self) -> None:
        self._since: dict[object, float] = {}  # insertion order: the first is the longest waiting
        self._tasks: dict[object, asyncio.Task[Any] | None] = {}

    def __len__(self) -> int:
        return len(self._since)

    @contextlib.contextmanager
    def one(self) -> Iterator[None]:
        token = object()
        self._since[token] = asyncio.get_running_loop().time()
        self._tasks[token] = asyncio.current_task()
        try:
            yield
        finally:
            del self._since[token]
            del self._tasks[token]

    def tasks(self) -> set[asyncio.Task[Any]]:
        """The tasks answering them now."""
        return {task for task in self._tasks.values() if task is not None and not task.done()}

    def longest_wait(self) -> float:
        """Seconds the longest-waiting member has waited for an answer (0 when nobody waits)."""
        for since in self._since.values():
            return asyncio.get_running_loop().time() - since
        return 0.0


class ChatBacklog:
    def __init__(self, run: Runner, answering: Answering | None = None, read: PayloadReader | None = None) -> None:
        self._run = run
        self._answering = answering if answering is not None else Answering()
        self._read = read
        self._queue: deque[Queued] = deque()
        self._now: list[tuple[str, list[Any], tuple[Any, ...]]] = []  # handlers of the payload being parsed
        self._parsing = False
        self._wanted: list[Any] | None = None  # the handlers the payload being parsed is for (None: all)
        self._task: asyncio.Task[None] | None = None
        self.most = 0  # the longest the backlog has been (benchmarks read it)

    def __len__(self) -> int:
        return len(self._queue)

    def intercept(self, parsers: dict[str, Parser]) -> None:
        """Make the gateway reader queue chat payloads instead of parsing them at once."""
        for name in CHAT_PAYLOADS:
            parse = parsers.get(name)
            if parse is None or chat_frames.takes_undecoded(parse):  # queued already
                continue
            parsers[name] = self._queuing(name, parse)

    def _queuing(self, name: str, parse: Parser) -> Parser:
        def queue(data: Any) -> None:
            self._put((name, parse, data))

        return chat_frames.decodes_later(queue)

    def handle(self, event: str, handlers: list[Any], args: tuple[Any, ...]) -> None:
        """A chat event to hand to its handlers: now if it comes from the payload being parsed, else queued."""
        if self._parsing:
            if self._wanted is not None:
                handlers = [h for h in handlers if h in self._wanted]
            if handlers:
                self._now.append((event, handlers, args))
        else:
            self._put((event, handlers, args))

    def after_queued(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` in the backlog's order: after every chat event queued so far, before any queued later
        (chat waits for it). A callback that fails is logged; chat goes on."""
        self._put(AfterQueued(callback))

    def _put(self, item: Queued) -> None:
        self._queue.append(item)
        if len(self._queue) > self.most:
            self.most = len(self._queue)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain(), name=TASK_NAME)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        done, most, slice_ends = 0, self._slice(), loop.time() + SLICE_SECONDS
        while self._queue:
            item = self._queue.popleft()
            if isinstance(item, AfterQueued):
                await self._call(item.callback)
            elif callable(item[1]):
                await self._parse(*item)
            else:
                await self._run(*item)
            done += 1
            if done >= most or loop.time() >= slice_ends:
                await self._give_way()
                done, most, slice_ends = 0, self._slice(), loop.time() + SLICE_SECONDS

    def _slice(self) -> int:
        """Events in the next slice: fewer once a member has waited a while for an answer."""
        return CROWDED_SLICE if self._answering.longest_wait() >= CROWDED else SLICE

    async def _call(self, callback: Callable[[], Awaitable[None]]) -> None:
        try:
            await callback()
        except Exception as exc:  # its owner's failure must not stall the chat queued after it
            log.error("after queued chat: %s: %s", type(exc).__name__, exc)

    async def _parse(self, name: str, parse: Parser, data: Any) -> None:
        if chat_frames.is_undecoded(data):
            try:
                data = chat_frames.decode_payload(data)
            except ValueError as exc:
                log.warning("skipped a %s payload that is not JSON: %s", name, exc)
                return
        wanted = await self._read(name, data) if self._read is not None else None
        if wanted is not None and not wanted:
            return  # the features read it from the payload: py-cord need not build anything
        self._parsing, self._wanted = True, wanted
        try:
            parse(data)  # py-cord builds the event and dispatches it: its handlers land in _now
        except Exception as exc:  # one event the library cannot build must not stall the chat after it
            log.warning("skipped a chat event that could not be read: %s: %s", type(exc).__name__, exc)
        finally:
            self._parsing, self._wanted = False, None
        ready, self._now = self._now, []
        for event, handlers, args in ready:
            await self._run(event, handlers, args)

    async def _give_way(self) -> None:
        """Between slices: the loop goes back to the gateway and the members, longer when they are waiting."""
        loop = asyncio.get_running_loop()
        paused = 0.0
        while self._answering.longest_wait() >= LATE and paused < MOST_PAUSE:
            started = loop.time()
            await asyncio.sleep(PAUSE_STEP)
            step = loop.time() - started
            paused += step
            if step < PAUSE_STEP + BUSY:
                break  # the loop had time to spare: those members wait for something else (a slow database)
        await asyncio.sleep(YIELD_TO_INTERACTIONS if self._answering.longest_wait() >= CROWDED else 0)

    def task(self) -> asyncio.Task[None] | None:
        """The task handling queued chat now, if any."""
        return self._task if self._task is not None and not self._task.done() else None

    async def wait_empty(self) -> None:
        """Until every queued chat event has been handled."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
