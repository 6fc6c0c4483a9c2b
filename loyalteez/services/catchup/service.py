"""Catch-up after downtime: members earn for what they said while the bot was away, and nothing twice.

When the bot starts, or gets a fresh gateway session after losing one (a RESUME replays missed events by
itself; an INVALID_SESSION or a restart does not), it reads each readable channel's history from the
message after the last one it processed (its *cursor*) and runs those messages through the rewards engine
like live ones. The engine deduplicates by message id (activity keys and ledger keys), so a message seen
live and fetched again neither counts nor pays twice; it decides each message at its own timestamp.

The cursor moves in the SAME transaction as the batch that processed the
messages: `cursor_hook` is one of the rewards engine's batch hooks. A crash therefore leaves it at the last
committed message, and the next start fetches from there. How far back: the cursor, but never before the
configured window (LOYALTEEZ_CATCHUP_HOURS, default 24 h) nor before the server was connected.

The gate: from a fresh session (`session_started`) until a channel is caught up, live messages of that
channel are paid as usual but do NOT move its cursor, because a live message newer than the gap would
otherwise move the cursor past messages not fetched yet, and a crash at that moment would lose them.
The catch-up's own batches move it. A channel that could not be read stays gated (retried next session).
Where it stops: at the bot's clock plus CLOCK_MARGIN, or sooner, just past the first message of the channel
that arrived live in the session (everything newer comes live too). Which messages came on this session is
told by the adapter (`live_from_here`): at a new session, chat read on the old one may still be waiting to
be handled, and one of those taken for the first live message would stop the fetch before the gap.

Caught up: until the session's catch-up has run (or, after a dropped connection, until the RESUME has
replayed what was missed), messages of the past may still arrive. `caught_up` says when they cannot any more,
and `on_caught_up` callbacks run at that moment: the analytics scheduler waits for it before it snapshots a
day, so a snapshot written at a restart or across a RESUME counts what the same restart pays.

No py-cord here: the adapter hands in `ChannelHistory` objects whose pages are plain MessageEvents.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Protocol

from loyalteez.clock import Clock
from loyalteez.services.rewards.events import MessageEvent, PassiveEvent
from loyalteez.services.rewards.outcomes import EventOutcome, Paid
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, ScopedData, Store

log = logging.getLogger("loyalteez.catchup")

DISCORD_EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
DEFAULT_WINDOW = timedelta(hours=24)
MAX_WINDOW = timedelta(days=7)
# Messages up to this far past the bot's clock are fetched too: Discord's clock may run ahead of ours, and a
# message seen live as well is simply deduplicated.
CLOCK_MARGIN = timedelta(seconds=60)
# Where live delivery begins: a channel's fetch stops this far past the first message it got live in the
# session (Discord's ids come from several machines' clocks, so one posted just before the session may carry
# an id a little above it). Without it, a busy channel's catch-up chases the live stream up to CLOCK_MARGIN,
# fetching and applying again what the gateway is delivering.
LIVE_OVERLAP_IDS = 1_000 << 22  # one second of snowflake
# How long the chat read on the old connection may take to be written before live messages are told apart
# (chat waits behind it meanwhile); past it the catch-up simply fetches to the clock's bound.
LIVE_FLUSH_TIMEOUT = 30.0


def snowflake_at(moment: datetime) -> int:
    """The smallest Discord id a message posted at `moment` or later can have (ids carry milliseconds)."""
    ms = -(-(moment - DISCORD_EPOCH) // timedelta(milliseconds=1))  # rounded up: never before `moment`
    return max(ms, 0) << 22


def snowflake_time(snowflake: int) -> datetime:
    return DISCORD_EPOCH + timedelta(milliseconds=snowflake >> 22)


@dataclass(frozen=True, slots=True)
class CaughtUpMessage(MessageEvent):
    """A message fetched from channel history after downtime rather than delivered live."""

    @classmethod
    def of(cls, event: MessageEvent) -> CaughtUpMessage:
        return cls(*(getattr(event, f.name) for f in fields(MessageEvent)))


class ChannelHistory(Protocol):
    """One readable channel, as the adapter offers it."""

    channel_id: str

    def pages(self, after_id: int, before_id: int) -> AsyncGenerator[Sequence[MessageEvent], None]:
        """Messages with after_id < id < before_id, oldest first, in pages."""
        ...


@dataclass
class ChannelResult:
    channel_id: str
    fetched: int = 0
    counted: int = 0  # messages that were new activity (not seen live before)
    paid: int = 0  # payouts made
    failed: int = 0  # messages the engine could not apply (logged)
    error: str | None = None  # why the channel could not be read to the end


@dataclass
class CatchupReport:
    server_id: str
    channels: list[ChannelResult] = field(default_factory=list)

    @property
    def fetched(self) -> int:
        return sum(c.fetched for c in self.channels)

    @property
    def paid(self) -> int:
        return sum(c.paid for c in self.channels)

    @property
    def complete(self) -> bool:
        return all(c.error is None for c in self.channels)


def check_window(window: timedelta) -> timedelta:
    """The catch-up window (LOYALTEEZ_CATCHUP_HOURS); zero turns catch-up off."""
    if not timedelta(0) <= window <= MAX_WINDOW:
        raise ValueError(f"the catch-up window must be from 0 to {int(MAX_WINDOW.total_seconds() // 3600)} hours")
    return window


class CatchupService:
    def __init__(self, store: Store, clock: Clock, rewards: Rewards, window: timedelta = DEFAULT_WINDOW) -> None:
        self.store = store
        self.clock = clock
        self.rewards = rewards
        self.window = check_window(window)
        self._pending: set[str] = set()  # servers not fully caught up in this session
        self._done: dict[str, set[str]] = {}  # server -> channels caught up in this session
        self._live_from: dict[tuple[str, str], int] = {}  # (server, channel) -> first live message id while gated
        self._live_known = False  # messages applied from now on came on this session (live_from_here)
        self._session = 0  # bumped by every fresh session: a catch-up of an older one marks nothing done
        self._task: asyncio.Task[object] | None = None
        self.reports: list[CatchupReport] = []  # the last session's, for logs and tests
        self._offline = False  # the gateway connection dropped; a RESUME will replay what it missed
        self._catching_up = False  # a fresh session's catch-up has not finished yet
        self.on_caught_up: list[Callable[[], Awaitable[object]]] = []

    @property
    def enabled(self) -> bool:
        return self.window > timedelta(0)

    # -- caught up --------------------------------------------------------------------------------------

    @property
    def caught_up(self) -> bool:
        """Connected, and no message of the past is still to come (catch-up done, RESUME replayed)."""
        return not self._offline and not self._catching_up

    def connection_lost(self) -> None:
        """The gateway connection dropped: what Discord sends meanwhile comes on the RESUME (or a catch-up)."""
        self._offline = True

    async def resumed(self) -> None:
        """The RESUME replayed every missed event (Discord sends RESUMED after them)."""
        self._offline = False
        await self._notify()

    async def _notify(self) -> None:
        if not self.caught_up:
            return
        for callback in list(self.on_caught_up):
            try:
                await callback()
            except Exception as exc:  # a failing listener must not stop the catch-up's own work
                log.error("after catch-up: %s: %s", type(exc).__name__, exc)

    # -- the gate --------------------------------------------------------------------------------------

    def session_started(self, server_ids: Iterable[str]) -> int:
        """A fresh gateway session began: gate every server's cursors until its catch-up is done. Returns the
        session's number, for `live_from_here`."""
        self._offline = False
        self._catching_up = True  # until run_session, which on_ready starts, has run
        if not self.enabled:
            return self._session
        self._session += 1
        self._pending = set(server_ids)
        self._done = {}
        self._live_from = {}
        self._live_known = False
        if self._task is not None and not self._task.done():
            self._task.cancel()  # it was catching up the old session; on_ready starts the new one
        return self._session

    async def live_from_here(self, session: int) -> None:
        """Every message read before `session` began has been handed to the rewards engine (the adapter calls
        this in its chat order): once those are written, the messages applied after came on `session`, and
        the first of them in a channel bounds its catch-up. If the writes do not end in time, no bound is
        taken: the catch-up then fetches up to the clock's bound, as before, which costs time, not messages."""
        if not self.enabled or session != self._session:
            return  # nothing gated, or a newer session's own call will come
        try:
            async with asyncio.timeout(LIVE_FLUSH_TIMEOUT):
                await self.rewards.writer.flush()
        except TimeoutError:
            log.warning("catch-up: the chat read before the new session was not written within %ss", LIVE_FLUSH_TIMEOUT)
            return
        if session == self._session:
            self._live_known = True

    def _moves_cursor(self, server_id: str, event: MessageEvent) -> bool:
        if isinstance(event, CaughtUpMessage) or server_id not in self._pending:
            return True
        return event.channel_id in self._done.get(server_id, ())

    def _note_live(self, server_id: str, event: MessageEvent) -> None:
        """A live message of a gated channel: the smallest such id bounds that channel's catch-up."""
        where, message_id = (server_id, event.channel_id), int(event.message_id)
        self._live_from[where] = min(self._live_from.get(where, message_id), message_id)

    def _live_bound(self, server_id: str, channel_id: str) -> int | None:
        """The id from which this channel's messages come live in this session, if one has arrived yet."""
        first = self._live_from.get((server_id, channel_id))
        return None if first is None else first + LIVE_OVERLAP_IDS

    async def cursor_hook(self, data: ScopedData, events: Sequence[PassiveEvent]) -> None:
        """Rewards engine batch hook: move the cursors of the channels these messages came from (or, for a
        gated channel, note where its live messages begin)."""
        newest: dict[str, int] = {}
        server = data.scope.server_id
        for event in events:
            if not isinstance(event, MessageEvent) or event.is_edit or not event.message_id.isdigit():
                continue
            if self._moves_cursor(server, event):
                newest[event.channel_id] = max(newest.get(event.channel_id, 0), int(event.message_id))
            elif self._live_known:
                self._note_live(server, event)
        await data.catchup.advance(newest)

    # -- catching up -----------------------------------------------------------------------------------

    async def run_session(self, jobs: Sequence[tuple[Scope | None, str, Sequence[ChannelHistory]]]) -> None:
        """Catch up every (scope, server id, readable channels); replaces a catch-up still running.

        A server without a scope (not connected) has nothing to catch up: its gate opens at once.
        """
        previous, self._task = self._task, asyncio.current_task()
        if previous is not None and previous is not self._task and not previous.done():
            previous.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await previous
        self.reports = []
        session = self._session
        if self.enabled:
            await self._run_session(jobs, session)
        if session == self._session:  # not replaced by a newer session meanwhile
            self._catching_up = False
            await self._notify()

    async def _run_session(
        self, jobs: Sequence[tuple[Scope | None, str, Sequence[ChannelHistory]]], session: int
    ) -> None:
        for scope, server_id, channels in jobs:
            if scope is None:
                self._pending.discard(server_id)
                continue
            report = await self.catch_up(scope, channels, session)
            self.reports.append(report)
            if report.fetched or not report.complete:
                log.info(
                    "caught up guild %s: %d message(s) fetched in %d channel(s), %d payout(s)%s",
                    server_id,
                    report.fetched,
                    len(report.channels),
                    report.paid,
                    "" if report.complete else " (some channels unreadable; retried next session)",
                )

    async def catch_up(
        self, scope: Scope, channels: Sequence[ChannelHistory], session: int | None = None
    ) -> CatchupReport:
        """Fetch and apply what each channel got since its cursor (bounded by the window).

        `session`: the session this catch-up serves; when a newer one has started meanwhile, the channels
        it finishes stay gated (the newer session's catch-up must cover the gap since).
        """
        session = self._session if session is None else session
        data = self.store.scoped(scope)
        config = await data.server.config()
        cursors = await data.catchup.cursors()
        now = self.clock.now()
        oldest = now - self.window
        connected = config.connected_at if config else None
        if isinstance(connected, datetime) and connected > oldest:
            oldest = connected
        floor = snowflake_at(oldest) - 1
        before = snowflake_at(now + CLOCK_MARGIN)
        report = CatchupReport(scope.server_id)
        for channel in channels:
            result = ChannelResult(channel.channel_id)
            report.channels.append(result)
            after = max(cursors.get(channel.channel_id, 0), floor)
            try:
                async with contextlib.aclosing(channel.pages(after, before)) as pages:
                    async for page in pages:
                        live = self._live_bound(scope.server_id, channel.channel_id)
                        older = page if live is None else [e for e in page if int(e.message_id) < live]
                        if older:
                            await self._apply(scope, older, result)
                        if len(older) < len(page):
                            break  # the rest came live
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a channel that cannot be read must not stop the others
                result.error = f"{type(exc).__name__}: {exc}"
                log.warning(
                    "catch-up of channel %s in guild %s stopped: %s", channel.channel_id, scope.server_id, result.error
                )
                continue
            if session == self._session:
                self._done.setdefault(scope.server_id, set()).add(channel.channel_id)
        if report.complete and session == self._session:
            self._pending.discard(scope.server_id)
        return report

    async def _apply(self, scope: Scope, page: Sequence[MessageEvent], result: ChannelResult) -> None:
        """Submit one page through the group-commit writer and wait until it committed."""
        futures = [self.rewards.submit(scope, CaughtUpMessage.of(event)) for event in page]
        result.fetched += len(futures)
        for outcome in await asyncio.gather(*futures, return_exceptions=True):
            if isinstance(outcome, EventOutcome):
                result.counted += int(outcome.counted)
                result.paid += sum(isinstance(r, Paid) for r in outcome.results)
            else:
                result.failed += 1  # the writer logged it

    async def close(self) -> None:
        """Stop a catch-up still running (shutdown); what it committed stays, the rest waits for next time."""
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
