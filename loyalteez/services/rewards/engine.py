"""The rewards engine: decide and record payouts for passive events and commands.

Every path ends in `_run`: dedupe activity by key, load the ledger tallies the batch needs in a few
grouped queries, walk the refusal ladder per (member, event) in arrival order, then write ledger rows,
stats and seen keys with executemany, all in the caller's single transaction. Batches of thousands of
messages therefore cost a handful of statements and one commit; a command is a batch of one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services import audit
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import messages
from loyalteez.services.rewards.bonuses import NoStreaks, StreakMultiplierSource
from loyalteez.services.rewards.config import BrandSpend, ConfigCache, ServerRewards
from loyalteez.services.rewards.events import ClaimRequest, ManualReward, Member, PassiveEvent
from loyalteez.services.rewards.ladder import BatchState, Candidate, check, over_budget, refuse
from loyalteez.services.rewards.outcomes import Breakdown, EventOutcome, Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.planning import Plan, plan
from loyalteez.services.rewards.rules import suggest
from loyalteez.store import Scope, ServerStore, Store

MANUAL_MAX = 10_000
REASON_MAX = 500


class RewardsEngine:
    """Stateless about members (the database is the truth); caches only config and budget spend."""

    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        *,
        streaks: StreakMultiplierSource | None = None,
        cache: ConfigCache | None = None,
        spend: BrandSpend | None = None,
    ) -> None:
        self.store = store
        self.clock = clock or store.clock
        self.streaks: StreakMultiplierSource = streaks or NoStreaks()
        self.cache = cache or ConfigCache()
        self.spend = spend or BrandSpend()

    # -- passive events (the writer calls this with a batch) -------------------------------------------------

    async def apply(self, items: Sequence[tuple[Scope, PassiveEvent]]) -> list[EventOutcome]:
        """Apply passive events in one transaction; events of one server keep their order."""
        groups: dict[Scope, list[int]] = {}
        for index, (scope, _) in enumerate(items):
            groups.setdefault(scope, []).append(index)
        outcomes: list[EventOutcome] = [EventOutcome(False)] * len(items)
        spent: dict[str, int] = {}
        try:
            async with self.store.transaction():
                locked_brands: set[str] = set()
                for scope in sorted(groups, key=lambda s: (s.brand_id, s.server_id)):
                    await self.store.scoped(scope).rewards_lock(brand=scope.brand_id not in locked_brands)
                    locked_brands.add(scope.brand_id)
                for scope, indexes in groups.items():
                    data = self.store.scoped(scope)
                    cfg = await self.cache.get(data)
                    plans = [plan(items[i][1], cfg) for i in indexes]
                    results, paid = await self._run(data, cfg, plans, spent.get(scope.brand_id, 0))
                    spent[scope.brand_id] = spent.get(scope.brand_id, 0) + paid
                    for index, outcome in zip(indexes, results, strict=True):
                        outcomes[index] = outcome
        except BaseException:
            for brand_id in {scope.brand_id for scope in groups}:
                self.spend.forget(brand_id)
            raise
        for brand_id, amount in spent.items():
            self.spend.add(brand_id, amount)
        return outcomes

    # -- commands ----------------------------------------------------------------------------------------------

    async def claim(self, scope: Scope, request: ClaimRequest) -> Outcome:
        """`/claim event`: only events with trigger none can be claimed."""
        return await self._command(scope, request.member, request.event_type, request.interaction_id,
                                   trigger="none", channel=(request.channel_id, request.parent_channel_id))

    async def join(self, scope: Scope, request: ClaimRequest) -> Outcome:
        """`/join`: the welcome event (or any event with trigger join named in the request)."""
        return await self._command(scope, request.member, request.event_type or "welcome",
                                   request.interaction_id, trigger="join",
                                   channel=(request.channel_id, request.parent_channel_id))

    async def reward(self, scope: Scope, request: ManualReward) -> Outcome:
        """`/reward member event [amount] [reason]` by an admin: same ladder and ledger, plus an audit row.

        With an amount, exactly that is paid (no role or streak bonus); without, the event's amount with
        the member's bonuses. Channel checks don't apply: the admin is not earning in a channel.
        """
        if request.amount is not None and not 1 <= request.amount <= MANUAL_MAX:
            raise ValidationError("amount", messages.out_of_range("amount", 1, MANUAL_MAX, " LTZ"))
        if request.reason is not None and len(request.reason) > REASON_MAX:
            raise ValidationError("reason", messages.too_long("reason", REASON_MAX))
        details = {"source": "manual", "admin_id": request.admin_id, "reason": request.reason}

        async def record(data: ServerStore, paid: Paid) -> None:
            await audit.record(
                data, actor_type="admin", actor_id=request.admin_id, action="rewards.manual_reward",
                target_user_id=request.member.id, is_test=paid.is_test,
                details={"event": paid.event, "amount": paid.amount, "reason": request.reason,
                         "ledger_id": paid.ledger_id},
            )

        return await self._command(scope, request.member, request.event_type, request.interaction_id,
                                   trigger=None, channel=None, amount=request.amount, details=details,
                                   on_paid=record)

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
        on_paid: Callable[[ServerStore, Paid], Awaitable[None]] | None = None,
    ) -> Outcome:
        if member.is_bot:
            return refuse(RefusalReason.BOT, event_type)
        data = self.store.scoped(scope)
        spent = 0
        try:
            async with self.store.transaction():
                await data.rewards_lock(brand=True)
                cfg = await self.cache.get(data)
                rule = cfg.rules.get(event_type)
                if rule is None:
                    text = messages.unknown_event(event_type, suggest(event_type, cfg.rules))
                    return Refused(RefusalReason.UNKNOWN_EVENT, text, event_type)
                if trigger is not None and rule.trigger != trigger:
                    text = messages.not_claimable(event_type, rule.trigger)
                    return Refused(RefusalReason.NOT_CLAIMABLE, text, event_type)
                channel_id, parent_id = channel or (None, None)
                candidate = Candidate(rule, member, f"{interaction_id}:{event_type}", channel_id, parent_id,
                                      amount=amount, details=details)
                results, spent = await self._run(data, cfg, [Plan(candidates=(candidate,))])
                result = results[0].results[0]
                if on_paid is not None and isinstance(result, Paid):
                    await on_paid(data, result)  # same transaction: no payout without its audit row
        except BaseException:
            self.spend.forget(scope.brand_id)
            raise
        self.spend.add(scope.brand_id, spent)
        return result

    # -- the shared core ------------------------------------------------------------------------------------

    async def _run(
        self, data: ServerStore, cfg: ServerRewards, plans: Sequence[Plan], pending_spend: int = 0
    ) -> tuple[list[EventOutcome], int]:
        """Decide and write one server's plans inside the open transaction; returns outcomes, real LTZ paid."""
        state = BatchState(self.clock.now())
        keys = [p.seen_key for p in plans if p.seen_key is not None]
        new = await data.rewards_mark_seen(keys) if keys else set()
        flags: list[tuple[bool, bool]] = []  # (counted, may earn) per plan
        for p in plans:
            counted = p.seen_key is not None and p.seen_key in new
            if counted:
                new.discard(p.seen_key)  # a repeat inside the batch is a repeat too
            flags.append((counted, counted or p.seen_key is None or not p.earns_only_when_new))
        candidates = [c for p, (_, earns) in zip(plans, flags, strict=True) if earns for c in p.candidates]
        await self._load(data, cfg, state, candidates, pending_spend)

        stats: dict[str, list[int]] = {}
        ledger: list[dict[str, Any]] = []
        outcomes = []
        for p, (counted, earns) in zip(plans, flags, strict=True):
            if counted and p.member_id is not None:
                row = stats.setdefault(p.member_id, [0, 0, 0, 0])
                row[0] += p.deltas[0]
                row[1] += p.deltas[1]
                row[2] += p.deltas[2]
            results = [await self._decide(data, cfg, state, c, ledger, stats) for c in p.candidates] if earns else []
            outcomes.append(EventOutcome(counted, tuple(results)))
        if ledger or stats:
            await data.rewards_write(ledger, stats)
        return outcomes, state.paid_real

    async def _load(
        self, data: ServerStore, cfg: ServerRewards, state: BatchState, candidates: list[Candidate], pending: int
    ) -> None:
        """Read what the ladder needs for these candidates: a few grouped queries, none per event."""
        if not candidates:
            return
        state.paid_keys = await data.rewards_paid_keys([c.key for c in candidates])
        limited = [c for c in candidates if c.limited]
        # Lifetime caps need every past payout; cooldowns and daily caps only the recent window, which
        # keeps this query's cost independent of how long the server has been earning.
        lifetime = [c for c in limited if c.rule.max_claims_per_user is not None]
        recent = [c for c in limited if c.rule.max_claims_per_user is None]
        for group, since in ((lifetime, None), (recent, state.window_start(recent))):
            if group:
                state.tallies.update(await data.rewards_tallies(
                    [c.member.id for c in group], [c.rule.event_type for c in group], state.day_start, since
                ))
        capped = sorted({c.rule.event_type for c in candidates if c.rule.max_total_claims is not None})
        if capped:
            state.totals = await data.rewards_event_totals(capped)
        if cfg.budget is not None:
            state.spent = await self.spend.get(data) + pending

    async def _decide(
        self,
        data: ServerStore,
        cfg: ServerRewards,
        state: BatchState,
        candidate: Candidate,
        ledger: list[dict[str, Any]],
        stats: dict[str, list[int]],
    ) -> Outcome:
        rule, member = candidate.rule, candidate.member
        event = rule.event_type
        if candidate.key in state.paid_keys:
            return refuse(RefusalReason.DUPLICATE, event)
        verdict = check(candidate, cfg, state)
        if isinstance(verdict, Refused):
            return verdict
        is_test = cfg.test_mode.enabled
        if candidate.amount is not None:
            amount, breakdown = candidate.amount, Breakdown(base=candidate.amount, manual=True)
            details = {**breakdown.as_json(), "rule_id": rule.id, **(candidate.details or {})}
        else:
            streak = await self.streaks.multiplier(data, member.id, event)
            # Most payouts of a batch share rule, role bonus and streak: price each combination once.
            priced = state.priced.get((verdict, rule.id, rule.reward_amount, streak))
            if priced is None:
                amount, breakdown = verdict.amount(rule.reward_amount, streak)
                priced = (amount, breakdown, {**breakdown.as_json(), "rule_id": rule.id})
                state.priced[(verdict, rule.id, rule.reward_amount, streak)] = priced
            amount, breakdown, details = priced
        refused = over_budget(cfg, state, event, amount, is_test)
        if refused is not None:
            return refused
        state.record(candidate, amount, is_test)
        ledger_id = new_id()
        ledger.append({
            "id": ledger_id,
            "discord_user_id": member.id,
            "event_type": event,
            "amount": amount,
            "idempotency_key": candidate.key,
            "channel_id": candidate.channel_id,
            "is_test": is_test,
            "details": details,
        })
        if not is_test:
            stats.setdefault(member.id, [0, 0, 0, 0])[3] += amount
        return Paid(amount, event, breakdown, member.id, is_test, ledger_id)

    # -- upkeep ------------------------------------------------------------------------------------------------

    async def prune_seen(self, scope: Scope, before: date) -> int:
        """Forget counted-activity keys of days before `before` (the scheduler may call this daily)."""
        return await self.store.scoped(scope).rewards_prune_seen(before)
