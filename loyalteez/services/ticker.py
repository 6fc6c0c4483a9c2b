"""Periodic jobs driven by the injected clock: ending expired drops, sending batched announcements.

A job runs when the clock has passed its next due moment. Two things call `run_due`: a real-time loop in
production (every few seconds; `start`), and `Services.wait_idle`, so a ManualClock moved by a test or by
the demo's simulated week fires due jobs at the next settle, deterministically, with no sleeps. With a
ManualClock there is no real-time loop at all: its time moves only when someone moves it (and settles), and
a loop waking at random real moments would make the demo's week differ from run to run. A lock keeps the
two callers from running a job twice at once; a failing job logs one line and is tried again when next due.

A job registered `leader_only` (it works over every server from the database's state: drop expiry,
announcements) runs only in the process holding the scheduler lease when several share one database
(services/maintenance/leadership.py); elsewhere it waits, due, until this process leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalteez.clock import Clock, ManualClock

log = logging.getLogger("loyalteez.ticker")
Job = Callable[[datetime], Awaitable[None]]


@dataclass
class _Entry:
    name: str
    every: timedelta
    job: Job
    due: datetime
    leader_only: bool = False


class Ticker:
    def __init__(self, clock: Clock, poll_seconds: float = 5.0) -> None:
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._jobs: list[_Entry] = []
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.enabled = False  # jobs touch Discord: the adapter turns this on once it is connected
        self.leader: Callable[[], Awaitable[bool]] | None = None  # None: this process runs every job

    def every(self, interval: timedelta, name: str, job: Job, *, leader_only: bool = False) -> None:
        """Run `job(now)` at most once per `interval` of clock time, first once the ticker is enabled."""
        self._jobs.append(_Entry(name, interval, job, self.clock.now(), leader_only))

    async def run_due(self) -> None:
        if not self.enabled or not self._jobs:
            return
        async with self._lock:
            leads: bool | None = None
            for entry in self._jobs:
                now = self.clock.now()
                if now < entry.due:
                    continue
                if entry.leader_only and self.leader is not None:
                    leads = await self.leader() if leads is None else leads
                    if not leads:
                        continue
                entry.due = now + entry.every
                try:
                    await entry.job(now)
                except Exception as exc:  # one line; the job runs again when next due
                    log.error("periodic job %s failed: %s: %s", entry.name, type(exc).__name__, exc)
                    log.debug("traceback for job %s", entry.name, exc_info=exc)

    def start(self) -> None:
        """Enable the jobs and poll in real time (idempotent; no polling for a ManualClock)."""
        self.enabled = True
        if isinstance(self.clock, ManualClock):
            return
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="loyalteez-ticker")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            await self.run_due()

    async def close(self) -> None:
        self.enabled = False
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
