"""The rewards engine: commands, single payouts (`pay`) and imports on top of the batch path.

`RewardsEngine` extends `BatchEngine` (batch.py and batch_core.py, which decide and write every batch and
document time, batch hooks, after-batch callbacks and rollups) with what is not a passive-event batch: the
claim/join/reward commands and `pay()`, each a batch of one through `_run` in its own transaction, and
the import of balances earned in another bot, which bypasses the ladder.

`pay()` is an engagement extension point, described in services/rewards/hooks.py: it pays a drop or an
achievement claim through the same ladder, with a guard that reserves what is paid for and rolls back
with any refusal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

from loyalteez.clock import Clock
from loyalteez.services.access import audit
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts
from loyalteez.services.rewards.balance_imports import BalanceImports
from loyalteez.services.rewards.batch import BatchEngine
from loyalteez.services.rewards.batch_checks import NeedsLocks, Preloaded
from loyalteez.services.rewards.candidates import candidate_for
from loyalteez.services.rewards.config import ServerRewards
from loyalteez.services.rewards.events import ClaimRequest, ManualReward, Member, Payout
from loyalteez.services.rewards.hooks import Guard, OnPaid, SharedClaim
from loyalteez.services.rewards.ladder import Candidate, refuse
from loyalteez.services.rewards.outcomes import Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.planning import Plan
from loyalteez.services.rewards.turns import Ask, SharedTurns, reserve_claims, settle_claims
from loyalteez.store import Scope, ScopedData, Store

MANUAL_MAX = 10_000
REASON_MAX = 500
LOCKED_ATTEMPTS = 3  # a locked command that lost a deadlock (nothing of it committed) is run again


class RewardsEngine(BatchEngine, BalanceImports):
    """The engine callers hold: the batch path (BatchEngine) plus commands, `pay` and imports."""

    def __init__(self, store: Store, clock: Clock | None = None, **options: Any) -> None:
        super().__init__(store, clock, **options)
        # With one writer (SQLite), claims waiting for it share its turn (turns.py).
        self.turns = None if store.shared else SharedTurns(self)

    # -- commands ----------------------------------------------------------------------------------------------

    async def claim(self, scope: Scope, request: ClaimRequest) -> Outcome:
        """`/claim event`: only events with trigger none can be claimed."""
        return await self._command(
            scope,
            request.member,
            request.event_type,
            request.interaction_id,
            trigger="none",
            channel=(request.channel_id, request.parent_channel_id),
        )

    async def join(self, scope: Scope, request: ClaimRequest) -> Outcome:
        """`/join`: the welcome event (or any event with trigger join named in the request)."""
        return await self._command(
            scope,
            request.member,
            request.event_type or "welcome",
            request.interaction_id,
            trigger="join",
            channel=(request.channel_id, request.parent_channel_id),
        )

    async def reward(self, scope: Scope, request: ManualReward) -> Outcome:
        """`/reward member event [amount] [reason]` by an admin: same ladder and ledger, plus an audit row.

        With an amount, exactly that is paid (no role or streak bonus); without, the event's amount with
        the member's bonuses. Channel checks don't apply: the admin is not earning in a channel.
        """
        if request.amount is not None and not 1 <= request.amount <= MANUAL_MAX:
            raise ValidationError("amount", texts.out_of_range("amount", 1, MANUAL_MAX, " LTZ"))
        if request.reason is not None and len(request.reason) > REASON_MAX:
            raise ValidationError("reason", texts.too_long("reason", REASON_MAX))
        details = {"source": "manual", "admin_id": request.admin_id, "reason": request.reason}

        async def record(data: ScopedData, paid: Paid) -> None:
            await audit.record(
                data,
                actor_type="admin",
                actor_id=request.admin_id,
                action="rewards.manual_reward",
                target_user_id=request.member.id,
                is_test=paid.is_test,
                details={
                    "event": paid.event,
                    "amount": paid.amount,
                    "reason": request.reason,
                    "ledger_id": paid.ledger_id,
                },
            )

        return await self._command(
            scope,
            request.member,
            request.event_type,
            request.interaction_id,
            trigger=None,
            channel=None,
            amount=request.amount,
            details=details,
            on_paid=record,
        )

    async def pay(
        self, scope: Scope, payout: Payout, *, guard: Guard | None = None, on_paid: OnPaid | None = None
    ) -> Outcome:
        """Pay for a drop or achievement claim under `payout.key`, through the whole ladder (see hooks.py).

        A payout with `synthetic` pays exactly `amount` under an event name that is not a monitoring rule
        (achievement rewards); `per_instance_total` leaves the event's max_total_claims to the caller, who
        applies it per drop. Channel rules don't apply: the claim is not earned by posting in a channel.
        """
        if payout.synthetic and (payout.amount is None or payout.amount < 1):
            raise ValueError("a synthetic payout needs a positive amount")
        details = {"source": payout.source, **(payout.details or {})}
        return await self._command(
            scope,
            payout.member,
            payout.event_type,
            payout.key,
            trigger=None,
            channel=None,
            amount=payout.amount,
            details=details,
            on_paid=on_paid,
            key=payout.key,
            guard=guard,
            synthetic=payout.synthetic,
            per_instance_total=payout.per_instance_total,
        )

    async def pay_in_turn(self, scope: Scope, payout: Payout, claim: SharedClaim) -> Outcome | None:
        """`pay` sharing the one writer's turn with other claims (turns.py), `claim` doing the guard's and
        on_paid's work for all its kind at once (hooks.py); None where there is no shared turn (PostgreSQL, or
        inside a transaction): then call `pay`."""
        if self.turns is None or payout.synthetic or payout.member.is_bot or self.store.in_transaction():
            return None
        details = {"source": payout.source, **(payout.details or {})}
        ask = Ask(
            scope, payout.member, payout.event_type, payout.key, None, None, payout.amount, details, payout.key,
            payout.per_instance_total, claim,
        )  # fmt: skip
        return await self.turns.decide(ask)

    async def _command(
        self,
        scope: Scope,
        member: Member,
        event_type: str,
        interaction_id: str,
        *,
        trigger: str | None,
        channel: tuple[str | None, str | None] | None,
        amount: int | None = None,
        details: dict[str, Any] | None = None,
        on_paid: Callable[[ScopedData, Paid], Awaitable[None]] | None = None,
        key: str | None = None,
        guard: Guard | None = None,
        synthetic: bool = False,
        per_instance_total: bool = False,
    ) -> Outcome:
        if member.is_bot:
            return refuse(RefusalReason.BOT, event_type)
        if (
            self.turns is not None
            and guard is None
            and on_paid is None
            and amount is None
            and key is None
            and details is None
            and not synthetic
            and not self.store.in_transaction()
        ):
            shared = await self.turns.decide(Ask(scope, member, event_type, interaction_id, trigger, channel))
            if shared is not None:
                return shared
        args = (scope, member, event_type, interaction_id, trigger, channel, amount, details, on_paid, key, guard)
        if self._may_go_unlocked([scope]):
            unlocked = await self._unlocked_attempt(
                lambda: self._command_once(*args, synthetic, per_instance_total, guarded=set())
            )
            if unlocked is not None:
                return unlocked
        # Inside a caller's transaction a lost race has aborted that whole transaction: only the caller can
        # run it again, so the conflict goes up to it rather than a retry that would hide the cause.
        return await self.locked(
            lambda: self._command_once(*args, synthetic, per_instance_total, guarded=None), LOCKED_ATTEMPTS
        )

    async def _command_once(
        self,
        scope: Scope,
        member: Member,
        event_type: str,
        interaction_id: str,
        trigger: str | None,
        channel: tuple[str | None, str | None] | None,
        amount: int | None,
        details: dict[str, Any] | None,
        on_paid: Callable[[ScopedData, Paid], Awaitable[None]] | None,
        key: str | None,
        guard: Guard | None,
        synthetic: bool,
        per_instance_total: bool,
        *,
        guarded: set[str] | None,
    ) -> Outcome:
        """One attempt of `_command`: holding the rewards locks from the start (`guarded` None) or decided
        without them and written behind a guard (see BatchEngine.apply); the caller's guard and on_paid run
        inside it either way, so a failed attempt rolls them back too."""
        data = self.store.scoped(scope)
        spent = 0
        early = self.cache.current(data) if guarded is not None else None
        if guarded is not None and early is None:
            raise NeedsLocks()
        preloaded: Preloaded | None = None
        moment = self.clock.now()

        def candidate_under(cfg: ServerRewards) -> Candidate | Refused:
            return candidate_for(
                cfg, member, event_type, interaction_id, trigger, channel, amount, details, key, synthetic,
                per_instance_total,
            )  # fmt: skip

        if early is not None:
            planned = candidate_under(early)
            if isinstance(planned, Candidate):
                # Read before the transaction takes its rows (a drop's slot, locked until the COMMIT), so
                # none is held across this read; and on a connection released before the transaction
                # takes one, so commands waiting on one another never hold the whole pool.
                preloaded = await self.read_checks(data, early, [planned], moment)
        try:
            async with self.store.transaction():
                # The caller's guard reserves its own rows (a drop's slot) before the rewards locks are taken,
                # on both paths: one lock order, so an unlocked claim and a locked one never deadlock.
                held = await guard(data) if guard is not None else None
                if held is not None:
                    raise _Undo(held)
                if guarded is None:
                    await data.rewards.lock(brand=True)
                cfg = early if early is not None else await self.cache.get(data)
                candidate = candidate_under(cfg)
                if not isinstance(candidate, Candidate):
                    raise _Undo(candidate)
                results, spent = await self._run(
                    data, cfg, [Plan(candidates=(candidate,))], moments=[moment], guarded=guarded, preloaded=preloaded
                )
                result = results[0].results[0]
                if on_paid is not None and isinstance(result, Paid):
                    await on_paid(data, result)  # same transaction: no payout without its audit row
                elif guard is not None and not isinstance(result, Paid):
                    raise _Undo(result)  # the guard's reservation goes with the refusal
        except _Undo as undo:
            self.spend.forget(scope.brand_id)
            self.rollups.forget()
            return undo.outcome
        except BaseException:
            self.spend.forget(scope.brand_id)
            self.rollups.forget()
            raise
        self.spend.add(scope.brand_id, spent)
        return result

    # -- commands sharing the writer's turn (turns.py) ----------------------------------------------------------

    async def decide_together(self, asks: Sequence[Ask]) -> tuple[list[Outcome | None], dict[str, int]]:
        """Decide commands that share a turn, inside its open transaction: one batch per server through the
        ladder, in arrival order. Returns each one's outcome and the real LTZ paid per brand (`written` takes
        it once the turn has committed; `forget_unwritten` when it did not).

        An outcome is None for a claim its guard refused in a turn where the ladder then refused another and
        gave its reservation back: the refusal may have met that reservation (a double click told "already
        claimed" when the first click was refused), so it is decided again alone once the turn has committed."""
        outcomes: dict[int, Outcome | None] = {}
        guard_refused: list[int] = []
        gave_back = False
        groups: dict[Scope, list[int]] = {}
        for index, ask in enumerate(asks):
            groups.setdefault(ask.scope, []).append(index)
        spent: dict[str, int] = {}
        moment = self.clock.now()
        locked: set[str] = set()
        for scope in sorted(groups, key=lambda s: (s.brand_id, s.server_id)):
            data = self.store.scoped(scope)
            await data.rewards.lock(brand=scope.brand_id not in locked)
            locked.add(scope.brand_id)
            cfg = await self.cache.get(data)
            candidates: dict[int, Candidate] = {}
            for index in groups[scope]:
                ask = asks[index]
                candidate = candidate_for(
                    cfg, ask.member, ask.event_type, ask.interaction_id, ask.trigger, ask.channel, ask.amount,
                    ask.details, ask.key, False, ask.per_instance_total,
                )  # fmt: skip
                if isinstance(candidate, Candidate):
                    candidates[index] = candidate
                else:
                    outcomes[index] = candidate
            claims = [(index, claim) for index in candidates if (claim := asks[index].claim) is not None]
            held = await reserve_claims(data, claims)
            outcomes.update(held)
            guard_refused.extend(held)
            planned = [index for index in candidates if index not in held]
            if planned:
                pending = spent.get(scope.brand_id, 0)
                plans = [Plan(candidates=(candidates[index],)) for index in planned]
                results, paid = await self._run(data, cfg, plans, pending, [moment] * len(plans))
                spent[scope.brand_id] = pending + paid
                recorded: list[tuple[SharedClaim, Paid]] = []
                refused: list[SharedClaim] = []
                for index, result in zip(planned, results, strict=True):
                    claim, outcome = asks[index].claim, result.results[0]
                    outcomes[index] = outcome
                    if claim is not None and isinstance(outcome, Paid):
                        recorded.append((claim, outcome))
                    elif claim is not None:
                        refused.append(claim)
                # Same transaction: no payout without its record, no reservation outliving its refusal.
                await settle_claims(data, recorded, refused)
                gave_back = gave_back or bool(refused)
        if gave_back:
            for index in guard_refused:
                outcomes[index] = None
        return [outcomes[index] for index in range(len(asks))], spent

    def written(self, spent: dict[str, int]) -> None:
        """A shared turn committed: its payouts count towards the brands' budgets."""
        for brand_id, amount in spent.items():
            self.spend.add(brand_id, amount)

    def forget_unwritten(self, brand_ids: set[str]) -> None:
        """A shared turn rolled back: what the engine remembered of its writes is gone with it."""
        for brand_id in brand_ids:
            self.spend.forget(brand_id)
        self.rollups.forget()

    # -- upkeep ------------------------------------------------------------------------------------------------

    async def prune_seen(self, scope: Scope, before: date) -> int:
        """Forget counted-activity keys of days before `before` (the scheduler may call this daily)."""
        return await self.store.scoped(scope).ledger.prune_seen(before)


class _Undo(Exception):
    """Leaves a payout's transaction with a refusal, rolling back what its guard reserved."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(getattr(outcome, "reason", "refused"))
        self.outcome = outcome
