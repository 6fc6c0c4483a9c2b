"""Group commit for passive events: the message listener must not pay for one commit per message.

`submit()` queues an event and returns at once; a background task applies the queue in one transaction
when the batch is full or when its oldest event has waited `max_delay` seconds (100 ms; 200 ms on a
database a network away, see `delay_for`). Events
are applied in arrival order, so each member's events keep their order; idempotency is the engine's
(activity keys and ledger keys), so a batch retried after an error cannot pay twice.

Behind (more queued than a batch when the writer gets to it: a burst, a replay, a slow disk), a writer on
SQLite takes up to `BACKLOG_BATCHES` batches' worth in one transaction: a batch's cost is mostly per member (one
stats row, one rollup row, one page of the ledger's member index each) and per commit, so one batch of
10,000 costs far less than four of 2,500, and the backlog drains sooner. Not while anything waits for the
database's write turn (a command's transaction, claims sharing a turn, a background job): it would wait
for the whole big batch, about four times as long, so then batches stay at `max_batch`.

Durability: a passive event is never acknowledged to anyone (the bot does not reply to it), so a crash
loses at most the events still queued, none that committed. Commands don't go through here: they are
applied at once, because their reply is the acknowledgement.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from datetime import datetime
from typing import NamedTuple

from loyalteez.services.rewards.batch import Planned
from loyalteez.services.rewards.engine import RewardsEngine
from loyalteez.services.rewards.event_days import posted_at
from loyalteez.services.rewards.events import PassiveEvent
from loyalteez.services.rewards.outcomes import EventOutcome
from loyalteez.store import Scope

log = logging.getLogger(__name__)

MAX_DELAY = 0.1
# A database a network away (Supabase): every batch is at least one round trip of tens of milliseconds, so
# the window is longer there. At 100 messages a second, 100 ms batches cost about 0.11 round trips a
# message (ten batches and a paying batch's checks); 200 ms ones about 0.06, for at most 100 ms more before
# a message shows in the member's stats (a command that reads them flushes the queue first anyway).
DISTANT_MAX_DELAY = 0.2
MAX_DELAY_LIMIT = DISTANT_MAX_DELAY
# Under load a batch fills before the delay ends; bigger batches share one commit and one stats row per
# member among more messages. 2500 messages are written in about 0.1 s on a small machine, which bounds how
# long a command waits for the database behind a batch (a backlog batch, four times as long, is taken only
# while no command waits).
DEFAULT_MAX_BATCH = 2500
# How many batches' worth a writer that fell behind takes at once, on SQLite. On the benchmark's 2,000 busy
# members (bench/rewards_engine.py) 10,000-event transactions ran 39k -> 54k events/s against 2,500-event
# ones. Not on PostgreSQL, where the same change ran 22k -> 14.5k events/s: it keeps 2,500.
BACKLOG_BATCHES = 4


class _Queued(NamedTuple):
    scope: Scope
    event: PassiveEvent
    future: asyncio.Future[EventOutcome]
    at: float  # loop time it was queued
    planned: Planned | None  # planned on arrival, while the previous batch was being written


def delay_for(engine: RewardsEngine) -> float:
    """The group-commit window for this engine's database: longer when each round trip is a network's."""
    return DISTANT_MAX_DELAY if engine.store.optimistic_writes else MAX_DELAY


def _fail(future: asyncio.Future[EventOutcome], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
        # Most callers never await passive outcomes: mark the exception seen so asyncio doesn't warn
        # (it is logged here instead).
        future.exception()


class RewardWriter:
    def __init__(
        self, engine: RewardsEngine, *, max_delay: float | None = None, max_batch: int = DEFAULT_MAX_BATCH
    ) -> None:
        if max_delay is None:
            max_delay = delay_for(engine)
        if not 0 <= max_delay <= MAX_DELAY_LIMIT:
            raise ValueError(f"max_delay must be from 0 to {MAX_DELAY_LIMIT} seconds")
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.engine = engine
        self.max_delay = max_delay
        self.max_batch = max_batch
        self.backlog_batch = max_batch if engine.store.shared else max_batch * BACKLOG_BATCHES
        self._queue: deque[_Queued] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._flushing = 0
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._writing: list[_Queued] = []  # the batch being applied now
        self.batches = 0  # transactions committed (tests and the benchmark read it)

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def busy(self) -> bool:
        """Members' events are queued or their batch is being written: other work (the dashboard) yields."""
        return bool(self._queue or self._writing)

    def submit(self, scope: Scope, event: PassiveEvent) -> asyncio.Future[EventOutcome]:
        """Queue one passive event; the future resolves once its batch has committed."""
        if self._closing:
            raise RuntimeError("the reward writer is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[EventOutcome] = loop.create_future()
        self._queue.append(_Queued(scope, event, future, loop.time(), self.engine.preplan(scope, event)))
        self._idle.clear()
        if len(self._queue) == 1 or len(self._queue) >= self.max_batch:
            self._wake.set()  # the first event starts the clock; a full batch goes at once
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run(), name="reward-writer")
        return future

    def oldest_held(self) -> datetime | None:
        """The earliest posting time among the events queued or being written (messages, reactions: the
        events that can be of an earlier day); None when none is held. Snapshots wait for that day."""
        moments = [m for q in (*self._writing, *self._queue) if (m := posted_at(q.event)) is not None]
        return min(moments, default=None)

    async def flush(self) -> None:
        """Apply everything queued now, without waiting for the delay; returns when it has committed."""
        self._flushing += 1
        self._wake.set()
        try:
            await self.wait_idle()
        finally:
            self._flushing -= 1

    async def wait_idle(self) -> None:
        """Wait until the queue is empty and no batch is being written."""
        await self._idle.wait()

    async def close(self) -> None:
        """Flush and stop the background task (shutdown)."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._queue:
                self._idle.set()
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            deadline = self._queue[0].at + self.max_delay
            while len(self._queue) < self.max_batch and not (self._flushing or self._closing):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), remaining)
                except TimeoutError:
                    break
            size = self.max_batch if self._write_turn_wanted() else self.backlog_batch
            batch = [self._queue.popleft() for _ in range(min(size, len(self._queue)))]
            self._writing = batch
            try:
                await self._apply(batch)
            finally:
                self._writing = []

    def _write_turn_wanted(self) -> bool:
        """Something waits for the write turn: a transaction or lone write, or claims sharing a turn."""
        turns = self.engine.turns
        return bool(self.engine.store.writers_waiting) or (turns is not None and turns.waiting)

    async def _apply(self, batch: list[_Queued]) -> None:
        """Commit a batch; where it fails, commit its halves (idempotent), halving again where a half fails.

        One bad event then costs its neighbours about 2 log2(batch) transactions, not one each. A database that
        refuses every transaction (disk full, locked by another program) would have the whole tree tried: after
        as many failures in a row as a bad event could cause, the events left fail with its error instead.
        """
        limit = 2 * len(batch).bit_length() + 2
        failures_in_a_row = 0
        parts = [batch]  # a stack: left halves first, so each member's events keep their order
        while parts:
            part = parts.pop()
            error = await self._commit(part)  # returned, not raised: a retry's error must not chain the last
            if error is None:
                failures_in_a_row = 0
                continue
            failures_in_a_row += 1
            if len(part) == 1:
                log.error("reward event %r could not be applied", part[0].event, exc_info=error)
                _fail(part[0].future, error)
            elif failures_in_a_row > limit:
                left = len(part) + sum(len(p) for p in parts)
                log.error("the database refused %d reward batches in a row (%s); %d events fail", limit, error, left)
                for item in (q for p in (part, *parts) for q in p):
                    _fail(item.future, error)
                return
            else:
                log.warning("a batch of %d reward events failed (%s); retrying it in halves", len(part), error)
                middle = len(part) // 2
                parts += [part[middle:], part[:middle]]

    async def _commit(self, batch: list[_Queued]) -> Exception | None:
        """Apply one batch in one transaction and resolve its futures; the error when it rolled back."""
        try:
            outcomes = await self.engine.apply([(q.scope, q.event) for q in batch], [q.planned for q in batch])
        except Exception as exc:
            return exc
        self.batches += 1
        for item, outcome in zip(batch, outcomes, strict=True):
            if not item.future.done():
                item.future.set_result(outcome)
        return None
