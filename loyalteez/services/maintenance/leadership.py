"""One scheduler among several bot processes: the holder of the 'scheduler' lease runs the clock's jobs.

Snapshots, reports, KPI alerts, backups, goal and achievement announcements and drop expiry work from the
database's state over every server, so two processes running them would post twice. On a shared database
(PostgreSQL) each process tries to take or renew the lease row (store/leases.py) every third of the lease
(LOYALTEEZ_LEADER_LEASE_SECONDS, default 20 s); the one that holds it is the leader. A leader that is
killed stops renewing: its lease runs out and the next process to try takes it, at most a lease and a
third later, and its scheduler's first run is a catch-up of every job (they do what is missing, so
nothing is missed and nothing done twice). A leader that cannot renew (the database unreachable) stops
acting a sixth of the lease before its lease runs out, so two leaders never overlap. A clean stop hands the
lease back at once.

On SQLite the instance lock already keeps one process per database: this process always leads, and the
lease row is never written.

`check()` renews lazily (the scheduler and ticker call it before running jobs, which is all a ManualClock
needs); `start()` adds the real-time loop that renews and, on a follower, notices an expired lease. Whoever
takes the lease, the loop or a ticker job's `check()`, starts the `on_gained` callbacks (the scheduler's
catch-up run): a scheduler asleep until its next fire time must not miss that its process now leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from loyalteez.clock import Clock, ManualClock
from loyalteez.store import Store

log = logging.getLogger("loyalteez.leadership")
SCHEDULER = "scheduler"
DEFAULT_LEASE = 20.0


def process_name() -> str:
    """Who holds a lease, as an operator reads it: the host, the PID, and a token unique to this run."""
    return f"{socket.gethostname()[:40]} pid={os.getpid()} {secrets.token_hex(4)}"


class Leadership:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        lease_seconds: float = DEFAULT_LEASE,
        name: str = SCHEDULER,
        holder: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.name = name
        self.holder = holder or process_name()
        self.contested = store.shared  # SQLite: one process per database, nothing to contest
        self.on_gained: list[Callable[[], Awaitable[object]]] = []
        self._acting_until: datetime | None = None  # this process leads until then (None: it does not)
        self._renewed_at: datetime | None = None
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._followers: set[asyncio.Task[None]] = set()  # on_gained callbacks still running
        self.gained = 0  # times this process became the leader (tests and logs read it)

    @property
    def renew_every(self) -> timedelta:
        return self.lease / 3

    def is_leader(self) -> bool:
        if not self.contested:
            return True
        return self._acting_until is not None and self.clock.now() < self._acting_until

    async def check(self) -> bool:
        """Is this process the leader now? Renews (or tries to take) the lease when a renewal is due."""
        if not self.contested:
            return True
        now = self.clock.now()
        if self.is_leader() and self._renewed_at is not None and now - self._renewed_at < self.renew_every:
            return True
        return await self.tick()

    async def tick(self) -> bool:
        """Take or renew the lease now; True when this process leads."""
        if not self.contested:
            return True
        async with self._lock:
            was = self.is_leader()
            now = self.clock.now()
            try:
                held = await self.store.leases.take(self.name, self.holder, now, now + self.lease)
            except Exception as exc:  # an unreachable database: leadership lapses before the lease does
                log.warning("cannot renew the %s lease: %s: %s", self.name, type(exc).__name__, exc)
                return self.is_leader()
            if held:
                self._renewed_at = now
                self._acting_until = now + self.lease - self.lease / 6
            else:
                self._renewed_at = self._acting_until = None
        if held and not was:
            self.gained += 1
            log.info("this process runs the %s now (lease %gs, held by %s)", self.name, self.lease_seconds, self.holder)
            self._tell_gained()
        elif was and not held:
            log.warning("another process took the %s lease: this one stops running it", self.name)
        return held

    @property
    def lease_seconds(self) -> float:
        return self.lease.total_seconds()

    # -- the real-time loop -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Renew (or watch for an expired lease) every third of the lease; nothing on a ManualClock or SQLite."""
        if not self.contested or isinstance(self.clock, ManualClock):
            return
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="loyalteez-leadership")

    def _tell_gained(self) -> None:
        """Run the on_gained callbacks, whichever caller took the lease (the loop, or a job's `check`).

        In tasks of their own: a catch-up run can take longer than a lease, and the renewals must go on
        meanwhile or the lease would lapse under a job still running.
        """
        for callback in self.on_gained:
            task = asyncio.get_running_loop().create_task(self._gained(callback), name="loyalteez-lead")
            self._followers.add(task)
            task.add_done_callback(self._followers.discard)

    async def _loop(self) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(self.renew_every.total_seconds())

    async def _gained(self, callback: Callable[[], Awaitable[object]]) -> None:
        try:
            await callback()
        except Exception as exc:  # the next scheduler run catches up anyway
            log.error("after taking the %s lease: %s: %s", self.name, type(exc).__name__, exc)

    async def stop(self) -> None:
        """Stop renewing and hand the lease back, so another process takes over at once."""
        task, self._task = self._task, None
        for running in [task, *self._followers]:
            if running is not None:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
        if self.contested and self._acting_until is not None:
            self._acting_until = self._renewed_at = None
            try:
                await self.store.leases.release(self.name, self.holder)
            except Exception as exc:  # the lease simply runs out
                log.warning("cannot hand back the %s lease: %s: %s", self.name, type(exc).__name__, exc)
