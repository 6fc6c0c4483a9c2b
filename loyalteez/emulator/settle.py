"""`settle()`: return once the bot has handled everything the emulator sent so far, without sleeps.

The bot runs in the test's event loop, so "idle" is observable: every gateway frame written, the
client's sequence number caught up with the session's, no bot REST request being answered, no
py-cord handler task alive, the app's own `wait_idle` hook done; and all of that for a few
consecutive loop turns, since one step of work can start the next.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Emulator

# py-cord keeps this handler alive for 3 s to de-duplicate autocomplete requests; it is not work.
LINGERING = frozenset({"pycord: on_application_command_auto_complete"})
WORK_PREFIXES = ("pycord: ", "discord-ui-view-dispatch", "discord-ui-modal")


def handler_tasks(ignore: Iterable[str] = ()) -> list[asyncio.Task[Any]]:
    """py-cord's running event handlers and view callbacks (by the names py-cord gives them)."""
    skip = LINGERING | set(ignore)
    current = asyncio.current_task()
    found: list[asyncio.Task[Any]] = []
    for task in asyncio.all_tasks():
        if task is current or task.done():
            continue
        name = task.get_name()
        if name.startswith(WORK_PREFIXES) and name not in skip:
            found.append(task)
    return found


def check_alive(emu: Emulator) -> None:
    """A bot whose start() task ended can never settle: say why at once instead of timing out."""
    task = emu.bot_task
    if task is None or not task.done():
        return
    error = None if task.cancelled() else task.exception()
    raise AssertionError(f"the bot stopped running: {error!r}" if error else "the bot stopped running")


def describe(task: asyncio.Task[Any]) -> str:
    """'pycord: on_message (award_points)': the event and, when visible, the handler function."""
    frame = getattr(task.get_coro(), "cr_frame", None)
    handler = frame.f_locals.get("coro") if frame is not None else None
    name = getattr(handler, "__qualname__", None)
    return f"{task.get_name()} ({name})" if name else task.get_name()


def why_busy(emu: Emulator, ignore: Iterable[str] = (), *, detail: bool = False) -> str | None:
    """Why the bot is not idle yet, or None; `detail` names every busy handler (only worth it on a timeout)."""
    gateway = emu.gateway
    if gateway.pending_writes:
        return f"{gateway.pending_writes} gateway frame(s) not written yet"
    caught_up = gateway.caught_up()
    if caught_up is None:
        gateway.request_barrier()
        caught_up = gateway.caught_up(barrier=True)
    if caught_up is False:
        session = gateway.session
        return f"the bot has not read the gateway up to sequence {session.seq if session else '?'}"
    if emu.inflight:
        return f"{emu.inflight} bot REST request(s) in flight"
    ready_task = getattr(getattr(emu.client, "_connection", None), "_ready_task", None)
    if ready_task is not None and not ready_task.done():
        return "the bot is still assembling READY (guild_ready_timeout)"
    tasks = handler_tasks(ignore)
    if tasks and not detail:
        return f"{len(tasks)} bot handler(s) still running"
    if tasks:
        return "bot handler(s) still running: " + ", ".join(sorted({describe(t) for t in tasks}))
    return None


async def settle(
    emu: Emulator, *, timeout: float = 5.0, quiet_turns: int = 3, ignore: Iterable[str] = (), flush: bool = True
) -> None:
    """`flush=False` returns once the bot has read and handled everything, without waiting for the app's
    own queued work (its `wait_idle`): a feeder keeping up with the bot need not wait for its writes."""
    deadline = time.monotonic() + timeout
    ignore = tuple(ignore)
    while True:
        await _quiet(emu, deadline, timeout, quiet_turns, ignore)
        if emu.app_idle is None or not flush:
            return
        remaining = max(0.01, deadline - time.monotonic())
        try:
            await asyncio.wait_for(emu.app_idle(), remaining)
        except TimeoutError:
            raise AssertionError(f"the app's wait_idle() did not finish within {timeout}s") from None
        await asyncio.sleep(0)
        if why_busy(emu, ignore) is None:
            return


async def _quiet(emu: Emulator, deadline: float, timeout: float, quiet_turns: int, ignore: tuple[str, ...]) -> None:
    quiet = spins = 0
    while quiet < quiet_turns:
        check_alive(emu)
        reason = why_busy(emu, ignore)
        if reason is None:
            quiet += 1
            await asyncio.sleep(0)
            continue
        quiet = 0
        if time.monotonic() > deadline:
            reason = why_busy(emu, ignore, detail=True) or reason
            raise AssertionError(f"the bot did not settle within {timeout}s: {reason}")
        spins += 1
        handlers = handler_tasks(ignore) if reason.endswith("still running") else []
        if handlers:
            # Wait for the handlers themselves: rescanning every task each loop turn costs O(tasks) per turn
            # when a history replay leaves thousands queued.
            await asyncio.wait(handlers, timeout=max(0.001, deadline - time.monotonic()))
            continue
        # Spin on loop turns first (cheapest, deterministic); back off once the bot is waiting on a timer.
        await asyncio.sleep(0 if spins < 200 else 0.001)
