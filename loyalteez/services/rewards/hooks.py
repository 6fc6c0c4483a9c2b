"""The engine's two extension points for engagement features: what a batch did, and paying for a thing.

After batch: `RewardsEngine.after_batch` is a list of async callbacks the engine calls once per server per
batch that wrote something (passive events and commands alike), INSIDE the batch's transaction, right after
the ledger rows and the member stats deltas were written. A callback gets the server's ScopedData and
a `BatchEffects`: per member, the stats deltas this batch applied, and every payout it recorded. So features
whose progress follows activity (achievements, community goals) move with the events that feed them, in the
same commit, never by rescanning tables: a rolled-back batch moves nothing, a replayed event (deduplicated by
the engine) moves nothing twice. A callback that raises fails the batch like any other write error (the
writer then retries its events one by one), so callbacks keep to a few grouped statements and do nothing
when their server has nothing to track.

Paying for a thing: `RewardsEngine.pay(scope, Payout, guard=..., on_paid=...)` pays a member for something
the engine does not know about (a drop claimed, an achievement claimed) through the same ladder, bonuses,
test mode, budget and ledger as every other payout. `guard` runs in the payout's transaction, after the
server's rewards lock is held and before the ladder: it reserves what is being paid for (a drop's claim
slot) and returns None, or returns a refusal. When the guard refuses, or the ladder refuses after the guard
reserved, the whole transaction rolls back, so a reservation never outlives a refusal.

Paying in a shared turn: `RewardsEngine.pay_in_turn(scope, Payout, SharedClaim)` is `pay` for a thing many
members claim at once (a drop's button), deciding it with the other commands waiting for SQLite's one writer
(turns.py). Its `SharedClaim` does the guard's and on_paid's work for every claim of its `kind` in the turn at
once: a few statements per turn, whatever the crowd.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Self

from loyalteez.services.rewards.outcomes import Paid, Refused

if TYPE_CHECKING:
    from loyalteez.store import ScopedData


@dataclass(frozen=True, slots=True)
class PaidRow:
    """One payout a batch recorded (test payouts included, marked)."""

    member_id: str
    event_type: str
    amount: int
    is_test: bool
    key: str  # the ledger idempotency key ('<discord id>:<event>', 'drop:<id>:<member>', ...)


@dataclass(frozen=True, slots=True)
class BatchEffects:
    """What one batch changed on one server."""

    now: datetime
    # member -> (messages, reactions, voice minutes, LTZ earned) added to the member stats by this batch
    stats: Mapping[str, tuple[int, int, int, int]]
    paid: tuple[PaidRow, ...]

    @property
    def members(self) -> set[str]:
        return set(self.stats) | {p.member_id for p in self.paid}


AfterBatch = Callable[["ScopedData", BatchEffects], Awaitable[None]]
# A guard reserves what a payout is for (or refuses); an on_paid callback records it once paid.
Guard = Callable[["ScopedData"], Awaitable[Refused | None]]
OnPaid = Callable[["ScopedData", Paid], Awaitable[None]]


class SharedClaim(ABC):
    """What one payout sharing a turn is for (a member's click on a drop). The claims of one `kind` in a turn
    are handled by one call on the first of them, given all of them in arrival order, inside the turn's
    transaction: each statement awaited there holds up every claim queued behind the turn."""

    @property
    @abstractmethod
    def kind(self) -> Hashable:
        """Claims handled together (those of one drop)."""

    @abstractmethod
    async def reserve(self, data: ScopedData, claims: Sequence[Self]) -> list[Refused | None]:
        """Reserve what each claim is for, in order (an earlier claim may take what a later one wanted):
        None for each reserved, or its refusal. Writes nothing for a refused claim."""

    @abstractmethod
    async def give_back(self, data: ScopedData, claims: Sequence[Self]) -> None:
        """Undo the reservations of claims whose payout the ladder refused."""

    @abstractmethod
    async def record(self, data: ScopedData, paid: Sequence[tuple[Self, Paid]]) -> None:
        """Record each claim's payout with what it was for (no payout without its record)."""
