"""An in-process cron: jobs with croniter expressions, driven by the injected clock.

`run_due(now)` runs every job with a fire time in (last run, now], in the order the jobs were given; the
first call (start-up) and any call after the clock went backwards run every job, so start-up is a catch-up.
Jobs are idempotent and work from the database's state (what is missing), not from how many fire times
passed, so one run after three days of downtime writes three days of snapshots, and a clock that jumps
forward (a suspended machine) is caught up the same way.

`start()` (once the bot is connected) runs the start-up catch-up and, on the real clock, a background task
that sleeps in real time until the next fire time by the clock, never longer than `nap` seconds, so a jump
of the clock is noticed within a minute. On a ManualClock (tests, the demo) there is no such loop: its time
moves only when someone moves it, and a loop waking at random real moments would make runs differ. There,
whoever moves the clock calls `run_due` (tests do; `Services.wait_idle`, hence every emulator settle, does
through `run_if_started`), so nothing ever sleeps. Runs are serialised by a lock: two callers cannot
interleave, and the second finds nothing due.

`ready`: while it says no (the bot is still catching up what it missed, or its gateway connection is down
and a RESUME will replay events), no job runs and nothing counts as done: the jobs run as soon as it says
yes and someone calls `run_due` again (services/container.py wires the catch-up's "caught up" to it).
A job that had to leave work for later (a day whose events were still being written) calls `run_again`:
the next `run_due` (within a minute on the real clock, the next settle on a ManualClock) runs every job
again, as a start-up does.

`leader`: with several processes on one database only the holder of the scheduler lease runs jobs
(services/maintenance/leadership.py). A process that does not lead runs nothing and forgets its last run,
so the run after it takes the lease over is a catch-up of every job, like a start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import croniter

from loyalteez.clock import Clock, ManualClock

log = logging.getLogger("loyalteez.scheduler")
NAP_SECONDS = 60.0
_EPSILON = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    cron: str  # five-field cron expression, in UTC
    run: Callable[[datetime], Awaitable[object]]


def next_fire(cron: str, after: datetime) -> datetime:
    """The first fire time strictly after `after` (aware UTC in, aware UTC out)."""
    fire: datetime = croniter(cron, after).get_next(datetime)
    return fire


def previous_fire(cron: str, at_or_before: datetime) -> datetime:
    """The last fire time at or before the given moment."""
    fire: datetime = croniter(cron, at_or_before + _EPSILON).get_prev(datetime)
    return fire


class Scheduler:
    def __init__(
        self,
        clock: Clock,
        jobs: list[Job],
        *,
        nap: float = NAP_SECONDS,
        ready: Callable[[], bool] | None = None,
        leader: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        for job in jobs:
            if not croniter.is_valid(job.cron):
                raise ValueError(f"job {job.name}: bad cron expression {job.cron!r}")
        self.clock = clock
        self.jobs = list(jobs)
        self.nap = nap
        self.ready = ready
        self.leader = leader
        self.on_start: list[Callable[[], object]] = []  # with the loop: the leadership's renewals
        self._again = False
        self.last_run: datetime | None = None
        self.runs = 0  # runs that fired at least one job (tests and logs read it)
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[object] | None = None
        self.started = False

    def next_fire(self, after: datetime) -> datetime:
        return min(next_fire(job.cron, after) for job in self.jobs)

    def due(self, now: datetime) -> list[Job]:
        if self.last_run is None or now < self.last_run:
            return list(self.jobs)
        return [job for job in self.jobs if next_fire(job.cron, self.last_run) <= now]

    async def run_due(self, now: datetime | None = None) -> list[str]:
        """Run the jobs due at `now` (default: the clock's now); returns their names."""
        async with self._lock:
            if self.ready is not None and not self.ready():
                return []  # due again once ready: last_run stays where it was
            if self.leader is not None and not await self.leader():
                self.last_run = None  # another process runs them; should this one take over, it catches up
                return []
            now = now or self.clock.now()
            jobs = self.due(now)
            for job in jobs:
                try:
                    await job.run(now)
                except Exception as exc:  # one failing job must not stop the others or the loop
                    log.error("scheduled job %s failed: %s: %s", job.name, type(exc).__name__, exc)
                    log.debug("traceback for job %s", job.name, exc_info=exc)
            self.last_run = now if self.last_run is None else max(now, self.last_run)
            if self._again:  # a job left work for later: the next call is a catch-up of every job
                self._again, self.last_run = False, None
            if jobs:
                self.runs += 1
            return [job.name for job in jobs]

    def run_again(self) -> None:
        """Called by a running job that deferred work: run every job again at the next `run_due`."""
        self._again = True

    # -- the background task ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start once: the catch-up run now, then the real-time loop (none on a ManualClock)."""
        if self.started:
            return
        self.started = True
        for begin in self.on_start:
            begin()
        loop = asyncio.get_running_loop()
        if isinstance(self.clock, ManualClock):
            self._task = loop.create_task(self.run_due(), name="analytics-scheduler-catch-up")
        else:
            self._task = loop.create_task(self._loop(), name="analytics-scheduler")

    async def run_if_started(self) -> list[str]:
        """run_due, but only once the adapter started the scheduler (jobs post to Discord)."""
        return await self.run_due() if self.started else []

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _loop(self) -> None:
        while True:
            await self.run_due(self.clock.now())
            now = self.clock.now()
            delay = (self.next_fire(now) - now).total_seconds()
            await asyncio.sleep(min(max(delay, 0.05), self.nap))

    async def stop(self) -> None:
        """Stop the loop, letting a run in progress finish first."""
        self.started = False
        task, self._task = self._task, None
        if task is None:
            return
        async with self._lock:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def wait_idle(self) -> None:
        """Return once no run is in progress."""
        async with self._lock:
            return
