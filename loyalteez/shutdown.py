"""SIGTERM, as a service manager (systemd, Docker) stops the bot: finish the pending writes, close, exit 0.

The serving task is cancelled once, as Ctrl-C does; the caller's `finally` then drains the group commit
and closes the gateway and the database. A second SIGTERM while closing changes nothing.

Every step of the close has its own deadline (app.py); `StopDeadline` bounds the whole stop besides, for
what no step can bound: a task that ignores its cancellation, a thread that never ends (each SQLite
connection runs on one, and the interpreter waits for them before exiting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading

log = logging.getLogger("loyalteez")
# Seconds from the stop request to the end of the process: the close's own deadlines add up to about 40 s.
STOP_WITHIN = 50.0


def stop_on_sigterm() -> asyncio.Event:
    """Cancel the current task on SIGTERM; the returned event tells a cancellation that came from it."""
    task = asyncio.current_task()
    stopping = asyncio.Event()

    def stop() -> None:
        if stopping.is_set() or task is None:
            return
        log.info("SIGTERM: finishing pending writes, then closing")
        stopping.set()
        task.cancel()

    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers on Windows
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    return stopping


class StopDeadline:
    """Ends the process `within` seconds after `start()` if it has not ended by itself (exit status 1).

    By then the close has committed what it could: what was acknowledged is in the database; what is not was
    never acknowledged to anyone (chat comes back through catch-up at the next start).
    """

    def __init__(self, within: float = STOP_WITHIN) -> None:
        self.within = within
        self._timer: threading.Timer | None = None

    def start(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self.within, self._expired)
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _expired(self) -> None:
        waiting = stray_threads()
        log.error(
            "the bot did not stop within %.0f s of being asked to; exiting now%s",
            self.within,
            f" (threads still running: {', '.join(waiting)})" if waiting else "",
        )
        hard_exit(1)


def stray_threads(wait: float = 0.0) -> list[str]:
    """Threads the interpreter would wait for before exiting (not daemons, not the main one), once each has
    had up to `wait` seconds in all to end (a closed SQLite connection's thread ends just after the close)."""
    main = threading.main_thread()
    others = [t for t in threading.enumerate() if t is not main and not t.daemon]
    share = wait / len(others) if others else 0.0  # each its share: no clock needed to bound the whole wait
    for thread in others:
        thread.join(share)
    return [t.name for t in others if t.is_alive()]


def hard_exit(code: int) -> None:
    """Exit now, without waiting for other threads: the logs and output are flushed first."""
    for handler in [*logging.getLogger().handlers, *log.handlers]:
        with contextlib.suppress(Exception):
            handler.flush()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
