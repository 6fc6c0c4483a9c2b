"""Answers kept a few seconds while the bot is busy: identical dashboard reads share one computation.

Under load every page's work is taken from members' rewards (see turns.py), and the dashboard's heavier
answers (the KPI page's 90-day charts, the API's KPI history) are the same for every viewer of a server
until a snapshot or a target changes. While the rewards writer is busy (members' events queued or a batch
being written), an answer computed less than KEEP seconds ago for the same key is served again; when the
writer is idle, every read is fresh. Access is still checked on every request: only what comes after the check is kept.

Any write through the dashboard forgets everything kept, and an answer whose computation overlapped a
write is not kept, so a page loaded right after one's own change shows it. A change made in Discord
(a slash command) shows within KEEP seconds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.clock import Clock
from loyalteez.web.context import context_of

T = TypeVar("T")
KEEP = 5.0
MOST = 256  # distinct answers kept at once (keys are a server and a query: a few per page)
READS = ("GET", "HEAD", "OPTIONS")


class KeptAnswers:
    def __init__(self, clock: Clock, busy: Callable[[], bool], keep: float = KEEP) -> None:
        self.clock = clock
        self.busy = busy
        self.keep = keep
        self._answers: dict[Hashable, tuple[float, Any]] = {}
        self._writes = 0  # web writes begun or finished: an answer computed across one is not kept

    def forget(self) -> None:
        """A write: nothing computed before it (or while it runs) is served after it."""
        self._writes += 1
        self._answers.clear()

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        now = self.clock.monotonic()
        kept = self._answers.get(key)
        if kept is not None and now - kept[0] < self.keep and self.busy():
            answer: T = kept[1]
            return answer
        writes = self._writes
        answer = await compute()
        if writes == self._writes:
            self._put(key, now, answer)
        return answer

    def _put(self, key: Hashable, at: float, answer: Any) -> None:
        if len(self._answers) >= MOST:
            self._answers = {k: v for k, v in self._answers.items() if at - v[0] < self.keep}
            while len(self._answers) >= MOST:
                del self._answers[next(iter(self._answers))]
        self._answers[key] = (at, answer)


@web.middleware
async def forget_on_write(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every non-read request (manage forms, sign-in and out) forgets the kept answers, before and after."""
    if request.method in READS:
        return await handler(request)
    kept = context_of(request).kept
    kept.forget()
    try:
        return await handler(request)
    finally:
        kept.forget()
