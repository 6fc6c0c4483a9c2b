"""Pages take turns on the bot's event loop, so members' rewards keep their pace while people read the dashboard.

Every page, API call and CSV chunk runs on the loop (and the database threads) that apply members' rewards.
At most SLOTS of them run at once, first come first served. While the rewards writer is busy (events queued
or a batch being written), only one runs at a time (BUSY_SLOTS), and its slot rests after each page for REST
times what the page took, writing the answer included (at most MAX_REST seconds), before the next page may
use it. The dashboard then works at most 1 / (1 + REST) of the time (under 3 %) and the rest is the bot's,
however many clients ask back to back; a person clicking around (a page every few seconds) never waits for
a rest. When the writer is idle, slots are free again at once.

Cheaper pages do not lower that share under a crowd: clients asking back to back just get more pages in it
(20 of them went from 33 to 45 pages a second when the KPI answers were kept), so the share is what REST sets.
A page costs the bot more than its turn shows (aiohttp reading each request, the reader thread beside the
writer's, the writer's batches broken up by pages), about twice as much: at a thirteenth of the loop (REST 12)
20 clients asking back to back cost members 11-16 % of their message rate, at a twenty-first 9-12 %, at a
forty-first (REST 40) 3-7 %, inside the 10 % the dashboard may take (bench/web.py). The API's own limit (60
calls a minute per token) is far below what even a forty-first lets through.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.clock import Clock

SLOTS = 2
BUSY_SLOTS = 1  # two pages at once still each rest alone: together they took twice the share
REST = 40.0  # members' rewards keep over 95 % of their pace under any number of clients
MAX_REST = 0.5
UNGATED = ("/static/", "/healthz")  # no page work; downloads take a turn per chunk (web/downloads.py)


class Turns:
    def __init__(
        self,
        clock: Clock,
        busy: Callable[[], bool],
        slots: int = SLOTS,
        rest: float = REST,
        busy_slots: int = BUSY_SLOTS,
    ) -> None:
        self.clock = clock
        self.busy = busy
        self.rest = rest
        self._slots = asyncio.Semaphore(slots)
        self._busy_slots = asyncio.Semaphore(busy_slots)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        await self._slots.acquire()
        held = [self._slots]
        try:
            if self.busy():
                await self._busy_slots.acquire()
                held.append(self._busy_slots)
        except BaseException:
            self._slots.release()
            raise
        started = self.clock.monotonic()
        try:
            yield
        finally:
            pause = min(MAX_REST, (self.clock.monotonic() - started) * self.rest) if self.busy() else 0.0
            for slot in held:
                if pause > 0:
                    asyncio.get_running_loop().call_later(pause, slot.release)
                else:
                    slot.release()


TURNS = web.AppKey("loyalteez_turns", Turns)


@web.middleware
async def take_turns(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The outermost middleware: a turn covers every other middleware and the writing of the answer too, so
    the rest after it matches all the loop time the page took (a page's bytes are most of a cheap page)."""
    if request.path.startswith(UNGATED) or request.path.endswith(".csv"):
        return await handler(request)
    async with request.app[TURNS].turn():
        response = await handler(request)
        if isinstance(response, web.Response):  # aiohttp's own prepare/write_eof afterwards do nothing
            await response.prepare(request)
            await response.write_eof()
        return response
