"""Claiming a drop: one member, one drop, paid once through the rewards engine or told why not.

A claim is one transaction through the engine (`RewardsEngine.pay`, ledger key `drop:<drop id>:<member>`): its
guard inserts the member's claim row and takes a slot, the engine's ladder decides, any refusal rolls both
back (see service.py). On SQLite a click on a drop with no claim limit shares the one writer's turn instead
(`RewardsEngine.pay_in_turn`, services/rewards/turns.py, with the other clicks on the drop: `DropClick`); on
PostgreSQL a few claims of a drop go to the database at once per process (`_gate`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Self

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.common import input as common
from loyalteez.services.common import texts as shared
from loyalteez.services.drops import texts
from loyalteez.services.rewards.events import Member, Payout
from loyalteez.services.rewards.hooks import SharedClaim
from loyalteez.services.rewards.outcomes import Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, ScopedData, Store
from loyalteez.store.repos.drops import Drop, ReserveStatus, refused_ahead

# Claims of one drop in the database at once, per process, on a database several connections write at once
# (PostgreSQL; see Drops._claiming). SQLite has one writer: there every claim already waits its turn with every
# other write, and a gate would only put the drop's clicks behind all the commands arriving meanwhile.
CLAIMS_AT_ONCE = 4
# ... of a drop with no claim limit: on PostgreSQL its claims lock its row only while the server runs them
# (DropsRepository.reserve_ahead), so more of them fit through without holding more connections waiting.
UNLIMITED_AT_ONCE = 8
ClaimStatus = Literal["paid", "claimed", "full", "expired", "ended", "gone", "refused"]


@dataclass(frozen=True)
class ClaimResult:
    status: ClaimStatus
    text: str
    drop: Drop | None = None
    outcome: Outcome | None = None
    ended_now: bool = False  # this claim (or the expiry it found) ended the drop: disable its button

    @property
    def paid(self) -> bool:
        return self.status == "paid"


def drop_status(drop: Drop, now: datetime) -> str:
    """live, full, expired or ended (by an admin), from the row alone."""
    max_claims, ended = drop.max_claims, drop.ended_at
    if max_claims is not None and drop.claims_count >= max_claims:
        return "full"
    expires = drop.expires_at
    if expires is not None and (expires <= now or (ended is not None and ended >= expires)):
        return "expired"
    return "ended" if ended is not None else "live"


class Claiming:
    """`Drops.claim` and what it needs (Drops, service.py, holds the state)."""

    store: Store
    clock: Clock
    rewards: Rewards
    _claiming: dict[str, list[Any]]

    def _forget(self, scope: Scope, drops: list[Drop]) -> None:
        raise NotImplementedError  # Drops forgets ended reaction drops

    async def claim(self, scope: Scope, drop_id: str, member: Member) -> ClaimResult:
        """One member claims one drop: paid once through the engine, or a clear reason why not."""
        data = self.store.scoped(scope)
        drop = await data.drops.get(drop_id) if common.is_uuid(drop_id) else None
        if drop is None:
            return ClaimResult("gone", texts.DROP_GONE)
        now = self.clock.now()
        if drop.ended_at is None and drop.expires_at is not None and drop.expires_at <= now:
            ended = await data.drops.expire_due(now, drop_id)
            self._forget(scope, ended)
            drop = await data.drops.get(drop_id) or drop
            return self._unavailable(
                drop,
                now,
                ended_now=any(d.drop_id == drop_id for d in ended),
                claimed=await data.drops.has_claimed(drop_id, member.id),
            )
        if drop.ended_at is not None:
            return self._unavailable(drop, now, claimed=await data.drops.has_claimed(drop_id, member.id))
        reserved: dict[str, tuple[ReserveStatus, Drop | None]] = {}
        event = drop.event_id

        async def guard(d: ScopedData) -> Refused | None:
            if await d.drops.reserve_ahead(drop, member.id, new_id(), now):
                return None  # its refusal, if any, fails the payout's transaction (below)
            status, after = await d.drops.reserve(drop_id, member.id, new_id(), now)
            reserved["result"] = (status, after)
            return None if status == "ok" else Refused(RefusalReason.DUPLICATE, status)

        click = DropClick(drop_id, event, member.id, now)

        async def on_paid(d: ScopedData, paid: Paid) -> None:
            await click.record(d, [(click, paid)])

        payout = Payout(
            key=f"drop:{drop_id}:{member.id}",
            member=member,
            event_type=event,
            source="drop",
            per_instance_total=True,
            details={"drop_id": drop_id},
        )
        if self.rewards.engine.cache.current(data) is None:
            # Else the payout reads the server's rules holding the rewards locks and this drop's row (several
            # round trips): a crowd clicking while they load would queue on the row behind each such claim.
            await self.rewards.engine.cache.get(data)

        try:
            # With one writer (SQLite), claims of a drop with no claim limit share its turn with the claims and
            # commands waiting beside them (a claim filling a capped drop must not wait on others' refusals).
            in_turn = None
            if drop.max_claims is None:
                in_turn = await self.rewards.engine.pay_in_turn(scope, payout, click)
                if in_turn is not None and click.status is not None:
                    reserved["result"] = (click.status, click.after)
            if in_turn is not None:
                outcome = in_turn
            else:
                reserved.clear()  # a shared turn that failed rolled its reservation back
                async with self._gate(drop):
                    outcome = await self.rewards.engine.pay(scope, payout, guard=guard, on_paid=on_paid)
        except Exception as exc:
            refused = refused_ahead(exc)
            if refused is None:
                raise
            reserved["result"] = (refused, None)
            outcome = Refused(RefusalReason.DUPLICATE, refused)
        status, after = reserved.get("result", (None, None))
        if isinstance(outcome, Paid):
            ended_now = after is not None and after.ended_at is not None
            if ended_now and after is not None:
                self._forget(scope, [after])
            text = texts.DROP_PAID.format(
                amount=outcome.amount, event=outcome.event, detail=shared.amount_detail(outcome)
            )
            return ClaimResult("paid", text, after or drop, outcome, ended_now)
        # A reservation sent ahead may not have run: the engine found this member's claim paid already.
        if status == "claimed" or (status is None and getattr(outcome, "reason", None) is RefusalReason.DUPLICATE):
            return ClaimResult("claimed", texts.DROP_ALREADY, drop, outcome)
        if status == "unavailable":
            fresh = await data.drops.get(drop_id) or drop
            return self._unavailable(fresh, now)
        return ClaimResult("refused", getattr(outcome, "message", texts.DROP_GONE), drop, outcome)

    @contextlib.asynccontextmanager
    async def _gate(self, drop: Drop) -> AsyncIterator[None]:
        """A turn for one claim of `drop` in the database: at most a few at once where claims hold pooled
        connections while they queue on the drop's row; none needed with one writer (SQLite)."""
        if not self.store.shared:
            yield
            return
        at_once = CLAIMS_AT_ONCE if drop.max_claims is not None else UNLIMITED_AT_ONCE
        gate = self._claiming.setdefault(drop.drop_id, [asyncio.Semaphore(at_once), 0])
        gate[1] += 1
        try:
            async with gate[0]:
                yield
        finally:
            gate[1] -= 1
            if gate[1] == 0:
                del self._claiming[drop.drop_id]

    def _unavailable(self, drop: Drop, now: datetime, *, ended_now: bool = False, claimed: bool = False) -> ClaimResult:
        if claimed:
            return ClaimResult("claimed", texts.DROP_ALREADY, drop, ended_now=ended_now)
        status = drop_status(drop, now)
        if status == "full":
            return ClaimResult("full", texts.DROP_FULL.format(max_claims=drop.max_claims), drop, ended_now=ended_now)
        if status == "expired":
            return ClaimResult("expired", texts.DROP_EXPIRED, drop, ended_now=ended_now)
        return ClaimResult("ended", texts.DROP_ENDED, drop, ended_now=ended_now)


@dataclass(eq=False)
class DropClick(SharedClaim):
    """A member's click on a drop with no claim limit, sharing the writer's turn: the clicks on one drop in a
    turn are reserved, given back and recorded together (a crowd costs the turn a few statements)."""

    drop_id: str
    event: str
    member_id: str
    clicked_at: datetime
    status: ReserveStatus | None = None  # what its reservation found
    after: Drop | None = None  # the drop after its turn's slots were taken

    @property
    def kind(self) -> Hashable:
        return ("drop", self.drop_id)

    async def reserve(self, data: ScopedData, claims: Sequence[Self]) -> list[Refused | None]:
        clicks = [(new_id(), c.member_id, c.clicked_at) for c in claims]
        statuses, after = await data.drops.reserve_crowd(self.drop_id, clicks)
        for claim, status in zip(claims, statuses, strict=True):
            claim.status, claim.after = status, after if status == "ok" else None
        return [None if status == "ok" else Refused(RefusalReason.DUPLICATE, status) for status in statuses]

    async def give_back(self, data: ScopedData, claims: Sequence[Self]) -> None:
        await data.drops.give_back_crowd(self.drop_id, [c.member_id for c in claims])
        for claim in claims:
            claim.status = None  # decided again alone, or refused: the reservation it made is gone

    async def record(self, data: ScopedData, paid: Sequence[tuple[Self, Paid]]) -> None:
        await data.drops.set_claim_amounts(self.drop_id, {c.member_id: p.amount for c, p in paid})
        await audit.record_members(
            data,
            [
                audit.MemberAction(
                    c.member_id,
                    "drops.claimed",
                    {"drop_id": self.drop_id, "event": self.event, "amount": p.amount, "ledger_id": p.ledger_id},
                    p.is_test,
                )
                for c, p in paid
            ],
        )
