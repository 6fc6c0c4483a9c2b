"""SIGTERM, as a service manager (systemd, Docker) stops the bot: finish the pending writes, close, exit 0.

The serving task is cancelled once, as Ctrl-C does; the caller's `finally` then drains the group commit
and closes the gateway and the database. A second SIGTERM while closing changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

log = logging.getLogger("loyalteez")


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
