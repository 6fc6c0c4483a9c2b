"""Members' claims waiting for the one writer share its turn (SQLite).

On SQLite every write waits for the file's only write lock, one transaction at a time, and a transaction's
statements each wait for a turn of the event loop. When members' /claim and /join commands arrive faster than
the writer commits them one transaction each, they queue without end (at twice the load the bot keeps up
with, answers came after 5 to 10 s). Commands that wait together are decided together instead: the first
one takes the writer for all those queued by the time it has it, decides them as one batch through the ladder
(`RewardsEngine.decide_together`, in arrival order: a member's second /claim meets the first one's cooldown
as it would one transaction later), and commits once, as chat's group commit does (writer.py). Each is
answered only once the turn has committed. A turn that fails rolls back and each of its commands is decided
again alone, so one bad command costs its neighbours nothing but a retry; a turn whose transaction cannot even
begin sends every queued command alone, where the error reaches its caller.

A drop claim shares a turn too (`RewardsEngine.pay_in_turn`, hooks.SharedClaim): the claims of one drop are
reserved together before the batch is decided, writing nothing for those refused, given back together if the
ladder refuses their payouts, and recorded together once paid. Every statement awaited inside a turn holds up
everything queued behind it (under overload each waited about 200 ms for the event loop), so a turn costs a
few statements per drop, not some per click. PostgreSQL writes on several connections at once: there each
command keeps its own transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from loyalteez.services.rewards.events import Member
from loyalteez.services.rewards.hooks import SharedClaim
from loyalteez.services.rewards.outcomes import Outcome, Paid, Refused
from loyalteez.store import Scope, ScopedData

if TYPE_CHECKING:
    from loyalteez.services.rewards.engine import RewardsEngine

log = logging.getLogger(__name__)

MOST = 250  # commands decided in one turn; the rest wait for the next


@dataclass(eq=False)
class Ask:
    """One command (or drop claim) waiting for a shared turn: what `candidate_for` needs, and for a claim
    what it is for (`claim`: reserved before the batch is decided, given back when the ladder refuses the
    payout, recorded once paid, all inside the turn's transaction)."""

    scope: Scope
    member: Member
    event_type: str
    interaction_id: str
    trigger: str | None
    channel: tuple[str | None, str | None] | None
    amount: int | None = None
    details: dict[str, Any] | None = None
    key: str | None = None
    per_instance_total: bool = False
    claim: SharedClaim | None = None
    future: asyncio.Future[Outcome] | None = field(default=None, repr=False)


class _Alone(Exception):
    """Its turn failed and rolled back: the command is decided again in a transaction of its own."""


class SharedTurns:
    def __init__(self, engine: RewardsEngine) -> None:
        self.engine = engine
        self._queue: deque[Ask] = deque()
        self._free = asyncio.Event()  # set while no turn runs
        self._free.set()
        self.turns = 0  # committed turns (tests read it)

    @property
    def running(self) -> bool:
        """A turn is being decided or written now."""
        return not self._free.is_set()

    @property
    def waiting(self) -> bool:
        """Claims are queued for a turn or one is running: the chat writer keeps its batches small."""
        return bool(self._queue) or self.running

    async def decide(self, ask: Ask) -> Outcome | None:
        """The command's outcome, committed in a shared turn; None when it must be decided alone."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        ask.future = future
        self._queue.append(ask)
        try:
            while not future.done():
                if self.running:
                    await self._free.wait()  # the running turn ends; then this command leads, or was in it
                    continue
                await self._lead()
        finally:
            if not future.done():  # cancelled while waiting (the bot is stopping): never decided
                with contextlib.suppress(ValueError):
                    self._queue.remove(ask)
                future.cancel()
        try:
            return future.result()
        except _Alone:
            return None

    async def _lead(self) -> None:
        self._free.clear()
        # Shielded: a leader cancelled mid-turn (the bot stopping) must not cut off the COMMIT of its
        # neighbours' claims, nor tell them to start again when their payouts have been committed.
        await asyncio.shield(asyncio.ensure_future(self._run_turn()))

    async def _run_turn(self) -> None:
        try:
            await self._turn()
        finally:
            self._free.set()

    async def _turn(self) -> None:
        engine = self.engine
        taken: list[Ask] = []
        try:
            async with engine.store.transaction():  # waits for the writer: more commands queue meanwhile
                taken = [self._queue.popleft() for _ in range(min(MOST, len(self._queue)))]
                outcomes, spent = await engine.decide_together(taken)
        except BaseException as exc:
            if not taken:  # the transaction could not begin: everyone queued meets that alone, with an answer
                taken = list(self._queue)
                self._queue.clear()
            engine.forget_unwritten({ask.scope.brand_id for ask in taken})
            if not isinstance(exc, asyncio.CancelledError):
                log.warning("%d commands sharing a write failed together (%s); each runs alone", len(taken), exc)
            for ask in taken:
                _send_alone(ask)
            if isinstance(exc, Exception):
                return
            raise
        self.turns += 1
        engine.written(spent)
        for ask, outcome in zip(taken, outcomes, strict=True):
            if outcome is None:  # to be decided again alone (see decide_together)
                _send_alone(ask)
            elif ask.future is not None and not ask.future.done():
                ask.future.set_result(outcome)


def _send_alone(ask: Ask) -> None:
    """Its caller decides the command again in a transaction of its own (unless it is gone already)."""
    if ask.future is not None and not ask.future.done():
        ask.future.set_exception(_Alone())
        ask.future.exception()  # retrieved: its caller may be gone


async def reserve_claims(data: ScopedData, claims: Sequence[tuple[int, SharedClaim]]) -> dict[int, Refused]:
    """Reserve one server's claims in a turn, one call per kind, each kind's in arrival order (a claim is
    tagged with its ask's index); the refusals by index."""
    refused: dict[int, Refused] = {}
    for together in _by_kind(claims, lambda tagged: tagged[1]):
        results = await together[0][1].reserve(data, [claim for _, claim in together])
        refused.update((index, r) for (index, _), r in zip(together, results, strict=True) if r is not None)
    return refused


async def settle_claims(
    data: ScopedData, paid: Sequence[tuple[SharedClaim, Paid]], refused: Sequence[SharedClaim]
) -> None:
    """Record the paid claims and give back the refused ones' reservations, one call per kind each."""
    for recorded in _by_kind(paid, lambda pair: pair[0]):
        await recorded[0][0].record(data, recorded)
    for given_back in _by_kind(refused, lambda claim: claim):
        await given_back[0].give_back(data, given_back)


T = TypeVar("T")


def _by_kind(items: Iterable[T], claim_of: Callable[[T], SharedClaim]) -> list[list[T]]:
    """The items grouped by their claim's kind, each group in arrival order."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(claim_of(item).kind, []).append(item)
    return list(groups.values())
