"""The batch decision path every payout goes through: dedupe, load tallies, walk the ladder, write.

Split from engine.py so the hot path stands alone: `BatchEngine` holds the engine's state and the
shared core (`apply` for passive events, `_run`/`_load`/`_pay` for any batch); `RewardsEngine`
(engine.py) adds the commands, `pay` and imports on top of it, calling `_run` directly.

Every path ends in `_run`: dedupe activity by key, load the ledger tallies the batch needs in a few
grouped queries, walk the refusal ladder per (member, event) in arrival order, then write ledger rows,
stats and seen keys with executemany, all in the caller's single transaction. Batches of thousands of
messages therefore cost a handful of statements and one commit; a command is a batch of one.

Time: a late message (posted more than LATE_AFTER before it is applied: replayed after a RESUME, or fetched
by the catch-up after downtime) is decided at the moment it was posted (`created_at`), so it meets the
cooldowns and daily limits of its own day and its ledger row carries that moment. Everything else, live
messages included, is decided at the clock's now. A batch spanning UTC midnight is decided day by day,
older day first.

Batch hooks (`batch_hooks`): callables run with each server's passive events inside the batch's
transaction, after they were decided and written, for state that must commit together with them (the
catch-up cursor of services/catchup.py). A hook that raises rolls the batch back like any other error.

After-batch callbacks (`after_batch`) are an engagement extension point, described in
services/rewards/hooks.py: callbacks get each written batch's stats deltas and payouts inside its
transaction (achievements and community goals move with them).

Analytics rollups (`rollups`): every written batch also adds its per-member activity and real
payouts to the day's rollups (services/analytics/rollups.py), in the same transaction and a fixed number
of statements, so KPIs never rescan history and never disagree with the ledger.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from loyalteez.clock import Clock
from loyalteez.ids import ordered_id
from loyalteez.services.analytics.rollups import ActivityRollups, RollupSink
from loyalteez.services.rewards.batch_checks import NeedsLocks, Preloaded, check_args, earning
from loyalteez.services.rewards.bonuses import MemberBonus, NoStreaks, StreakMultiplierSource
from loyalteez.services.rewards.config import BrandSpend, ConfigCache, ServerRewards
from loyalteez.services.rewards.event_days import LATE_AFTER, by_day, decided_at
from loyalteez.services.rewards.events import PassiveEvent
from loyalteez.services.rewards.hooks import AfterBatch, BatchEffects, PaidRow
from loyalteez.services.rewards.ladder import BatchState, Candidate, check, over_budget, refuse
from loyalteez.services.rewards.outcomes import Breakdown, EventOutcome, Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.planning import Plan, plan
from loyalteez.store import Scope, ScopedData, Store

T = TypeVar("T")

BatchHook = Callable[[ScopedData, Sequence[PassiveEvent]], Awaitable[None]]


# What an event that asked for no decision did: shared, as most messages of a batch earn nothing.
_COUNTED, _NOT_COUNTED = EventOutcome(True), EventOutcome(False)

Planned = tuple[ServerRewards, Plan]  # a plan made ahead, with the config snapshot it was made with


def _plan_with(event: PassiveEvent, cfg: ServerRewards, ahead: Planned | None) -> Plan:
    return ahead[1] if ahead is not None and ahead[0] is cfg else plan(event, cfg)


class BatchEngine:
    """Stateless about members (the database is the truth); caches only config and budget spend."""

    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        *,
        streaks: StreakMultiplierSource | None = None,
        cache: ConfigCache | None = None,
        spend: BrandSpend | None = None,
        rollups: RollupSink | None = None,
        late_after: timedelta = LATE_AFTER,
    ) -> None:
        self.store = store
        self.late_after = late_after
        self.clock = clock or store.clock
        self.streaks: StreakMultiplierSource = streaks or NoStreaks()
        self.cache = cache or ConfigCache(self.clock.monotonic)
        self.spend = spend or BrandSpend(self.clock.monotonic, shared=store.shared)
        self.rollups: RollupSink = rollups or ActivityRollups()
        self.batch_hooks: list[BatchHook] = []
        self.after_batch: list[AfterBatch] = []  # see hooks.py: called inside each written batch's transaction
        self.conflicts = 0  # batches decided again holding the locks after their guard found a change

    # -- passive events (the writer calls this with a batch) -------------------------------------------------

    def preplan(self, scope: Scope, event: PassiveEvent) -> Planned | None:
        """Plan an event ahead with the server's cached config snapshot (None when none is cached).

        The writer calls this as events arrive, while the previous batch is being written, so the text
        tests run beside the database work; `apply` uses such a plan only when the snapshot it decides
        with is that very one, so the result is the same as planning it there.
        """
        cfg = self.cache.peek(scope.brand_id, scope.server_id)
        return None if cfg is None else (cfg, plan(event, cfg))

    async def apply(
        self, items: Sequence[tuple[Scope, PassiveEvent]], planned: Sequence[Planned | None] | None = None
    ) -> list[EventOutcome]:
        """Apply passive events in one transaction; events of one server keep their order.

        `planned`: what `preplan` returned for each item, if the caller planned ahead.

        On a shared database (PostgreSQL) the batch is first decided without the rewards locks and
        written behind a guard that proves nothing it read has moved (store/repos/ledger_guard.py), so no
        lock is held across a network wait; if the guard finds a change, or the batch needs what only the
        locks make safe (a config to load, a brand budget), it is decided again holding the locks.
        """
        groups: dict[Scope, list[int]] = {}
        for index, (scope, _) in enumerate(items):
            groups.setdefault(scope, []).append(index)
        if self._may_go_unlocked(groups):
            unlocked = await self._unlocked_attempt(lambda: self._apply(items, planned, groups, guarded=set()))
            if unlocked is not None:
                return unlocked
        return await self.locked(lambda: self._apply(items, planned, groups, guarded=None))

    async def locked(self, attempt: Callable[[], Awaitable[T]], attempts: int = 3) -> T:
        """Run a write holding the rewards locks; again when it lost a race (a deadlock, or a config found
        changed by another process, which the store has marked for reloading): nothing of it committed.
        Inside a caller's transaction the conflict goes up to the caller, who alone can run it again."""
        attempts = 1 if self.store.in_transaction() else attempts
        for n in range(1, attempts + 1):
            try:
                return await attempt()
            except Exception as exc:
                if n == attempts or not self.store.conflicted(exc):
                    raise
        raise AssertionError("unreachable")

    async def _unlocked_attempt(self, attempt: Callable[[], Awaitable[T]]) -> T | None:
        """Run a write decided without the rewards locks; None when it must be decided again holding them
        (something the locks make safe was needed, or its guard saw a row move: nothing of it committed)."""
        try:
            return await attempt()
        except NeedsLocks:
            return None
        except Exception as exc:
            if not self.store.conflicted(exc):
                raise
            self.conflicts += 1
            return None

    def _may_go_unlocked(self, scopes: Iterable[Scope]) -> bool:
        """May these servers' batch be decided without their locks? Only on a shared database far enough
        away that holding the locks across round trips costs more than the guard's second read, in a
        transaction of its own (a guard's failure must roll back only this batch, and be retried here),
        with a current config and no budget."""
        if not self.store.optimistic_writes or self.store.in_transaction():
            return False
        configs = [self.cache.current(self.store.scoped(scope)) for scope in scopes]
        return all(cfg is not None and cfg.budget is None for cfg in configs)

    async def _apply(
        self,
        items: Sequence[tuple[Scope, PassiveEvent]],
        planned: Sequence[Planned | None] | None,
        groups: dict[Scope, list[int]],
        guarded: set[str] | None,
    ) -> list[EventOutcome]:
        """`apply` once: holding the locks from the start (`guarded` None), or behind guards (the brands
        whose guard took the brand lock so far, which the call fills)."""
        outcomes: list[EventOutcome] = [EventOutcome(False)] * len(items)
        spent: dict[str, int] = {}
        order = sorted(groups, key=lambda s: (s.brand_id, s.server_id))
        now = self.clock.now()
        ahead = await self._read_ahead(items, planned, groups, order, now) if guarded is not None else {}
        try:
            async with self.store.transaction():
                if guarded is None:
                    locked_brands: set[str] = set()
                    for scope in order:
                        await self.store.scoped(scope).rewards.lock(brand=scope.brand_id not in locked_brands)
                        locked_brands.add(scope.brand_id)
                for scope in order if guarded is not None else groups:
                    indexes = groups[scope]
                    data = self.store.scoped(scope)
                    cfg = self.cache.current(data) if guarded is not None else await self.cache.get(data)
                    if cfg is None:
                        raise NeedsLocks()
                    moments = {i: decided_at(items[i][1], now, self.late_after) for i in indexes}
                    for n, day in enumerate(by_day(indexes, [moments[i] for i in indexes])):
                        plans = [_plan_with(items[i][1], cfg, planned[i] if planned else None) for i in day]
                        results, paid = await self._run(
                            data,
                            cfg,
                            plans,
                            spent.get(scope.brand_id, 0),
                            [moments[i] for i in day],
                            guarded,
                            ahead.get((scope, n)),
                        )
                        spent[scope.brand_id] = spent.get(scope.brand_id, 0) + paid
                        for index, outcome in zip(day, results, strict=True):
                            outcomes[index] = outcome
                    for hook in self.batch_hooks:
                        await hook(data, [items[i][1] for i in indexes])
        except BaseException:
            for brand_id in {scope.brand_id for scope in groups}:
                self.spend.forget(brand_id)
            self.rollups.forget()  # the rollback undid what it remembered as written
            raise
        for brand_id, amount in spent.items():
            self.spend.add(brand_id, amount)
        return outcomes

    async def _read_ahead(
        self,
        items: Sequence[tuple[Scope, PassiveEvent]],
        planned: Sequence[Planned | None] | None,
        groups: dict[Scope, list[int]],
        order: list[Scope],
        now: datetime,
    ) -> dict[tuple[Scope, int], Preloaded]:
        """An unlocked batch's reads, made before its transaction: then the transaction is one message (its
        BEGIN goes with the guard, the writes and the COMMIT). Keyed by server and day, as `_apply` walks them."""
        ahead: dict[tuple[Scope, int], Preloaded] = {}
        for scope in order:
            data = self.store.scoped(scope)
            cfg = self.cache.current(data)
            if cfg is None:
                raise NeedsLocks()
            indexes = groups[scope]
            moments = {i: decided_at(items[i][1], now, self.late_after) for i in indexes}
            for n, day in enumerate(by_day(indexes, [moments[i] for i in indexes])):
                plans = [_plan_with(items[i][1], cfg, planned[i] if planned else None) for i in day]
                _, candidates = earning(plans, {p.seen_key for p in plans if p.seen_key is not None})
                if candidates:
                    ahead[(scope, n)] = await self.read_checks(data, cfg, candidates, min(moments[i] for i in day))
        return ahead

    # -- the shared core ------------------------------------------------------------------------------------

    async def _run(
        self,
        data: ScopedData,
        cfg: ServerRewards,
        plans: Sequence[Plan],
        pending_spend: int = 0,
        moments: Sequence[datetime] | None = None,
        guarded: set[str] | None = None,
        preloaded: Preloaded | None = None,
    ) -> tuple[list[EventOutcome], int]:
        """Decide and write one server's plans inside the open transaction; returns outcomes, real LTZ paid.

        `moments`: when each plan happened (all on one UTC day); default now. Tallies are loaded from the
        earliest, and each plan is decided at its own.

        `guarded`: decided without the rewards locks (see `apply`), the brands already locked by a guard.
        Every activity key is then taken for new (Discord rarely sends one twice) and the guard queued
        before the writes makes sure of it and of the checks; None: the caller holds the locks.
        """
        now = self.clock.now()
        moments = list(moments) if moments is not None else [now] * len(plans)
        state = BatchState(min(moments, default=now))
        keys = [p.seen_key for p in plans if p.seen_key is not None]
        new = set(keys) if guarded is not None or not keys else await data.ledger.mark_seen(keys)
        flags, candidates = earning(plans, new)
        proof = await self._load(
            data, cfg, state, candidates, pending_spend, proved=guarded is not None, preloaded=preloaded
        )

        stats: dict[str, list[int]] = {}
        ledger: list[dict[str, Any]] = []
        outcomes = []
        paid_keys = state.paid_keys
        for p, (counted, earns), moment in zip(plans, flags, moments, strict=True):
            state.now = moment
            if counted and p.member_id is not None:
                row = stats.setdefault(p.member_id, [0, 0, 0, 0])
                row[0] += p.deltas[0]
                row[1] += p.deltas[1]
                row[2] += p.deltas[2]
            if not earns or not p.candidates:
                outcomes.append(_COUNTED if counted else _NOT_COUNTED)  # most messages: nothing to decide
                continue
            results: list[Outcome] = []
            for c in p.candidates:
                # The ladder is synchronous; only a payout needs the (async) streak multiplier, so a refused
                # candidate, about half of a busy batch, costs no coroutine.
                verdict = (
                    refuse(RefusalReason.DUPLICATE, c.rule.event_type) if c.key in paid_keys else check(c, cfg, state)
                )
                results.append(
                    verdict
                    if isinstance(verdict, Refused)
                    else await self._pay(data, cfg, state, c, verdict, ledger, stats)
                )
            outcomes.append(EventOutcome(counted, tuple(results)))
        ahead = await self.rollups.read_ahead(data, state.now, ledger, test_mode=cfg.test_mode.enabled)
        if guarded is not None and (keys or ledger or stats):
            if proof is None or not await data.ledger.guard(
                keys,
                [proof] if proof else [],
                lock_brand=data.scope.brand_id not in guarded,
                config_version=cfg.version,
            ):
                raise NeedsLocks()
            guarded.add(data.scope.brand_id)
        if ledger or stats:
            await data.ledger.write(ledger, stats)
            await self.rollups.record(
                data,
                state.now,
                plans,
                flags,
                ledger,
                test_mode=cfg.test_mode.enabled,
                moments=moments,
                config_metadata=cfg.metadata,
                ahead=ahead,
            )
            if self.after_batch:
                effects = BatchEffects(
                    state.now,
                    {m: (d[0], d[1], d[2], d[3]) for m, d in stats.items()},
                    tuple(
                        PaidRow(r["discord_user_id"], r["event_type"], r["amount"], r["is_test"], r["idempotency_key"])
                        for r in ledger
                    ),
                )
                for callback in self.after_batch:
                    await callback(data, effects)
        return outcomes, state.paid_real

    async def _load(
        self,
        data: ScopedData,
        cfg: ServerRewards,
        state: BatchState,
        candidates: list[Candidate],
        pending: int,
        *,
        proved: bool = False,
        preloaded: Preloaded | None = None,
    ) -> str | None:
        """Read what the ladder needs for these candidates: a few grouped queries, none per event
        (`preloaded`: what `read_checks` already read for them at the same moment).

        With `proved` (decided without the locks), returns the guard's proof that the reads still hold ("" when
        nothing was read, None when they cannot be proved); otherwise "".
        """
        if not candidates:
            return ""
        args = check_args(cfg, state, candidates)
        if preloaded is not None and preloaded[0] == args:
            checks = preloaded[1]
        else:
            checks = await data.ledger.checks(*args, is_test=cfg.test_mode.enabled, proof=proved)
        capped = args[2]
        state.paid_keys = checks.paid_keys
        state.tallies.update(checks.tallies)
        if capped:
            state.totals = checks.totals
        if cfg.budget is not None:
            if proved:
                return None  # a budget is the brand's, spent by every server: only its lock keeps it exact
            state.spent = await self.spend.get(data) + pending
        return checks.proof if proved else ""

    async def read_checks(
        self, data: ScopedData, cfg: ServerRewards, candidates: list[Candidate], moment: datetime
    ) -> Preloaded:
        """What `_load` reads for these candidates decided at `moment`, read ahead of the transaction (a
        command reads it before taking its own rows), with the guard's proof."""
        args = check_args(cfg, BatchState(moment), candidates)
        checks = await data.ledger.checks(*args, is_test=cfg.test_mode.enabled, proof=True)
        if checks.config_version is not None and checks.config_version != cfg.version:
            data.rewards.config_changed()  # changed by another process: decided again, with it reloaded
            raise NeedsLocks()
        return args, checks

    async def _pay(
        self,
        data: ScopedData,
        cfg: ServerRewards,
        state: BatchState,
        candidate: Candidate,
        verdict: MemberBonus,
        ledger: list[dict[str, Any]],
        stats: dict[str, list[int]],
    ) -> Outcome:
        """Price a candidate the ladder let through (steps 1–8) and, unless the budget refuses it, pay it."""
        rule, member = candidate.rule, candidate.member
        event = rule.event_type
        is_test = cfg.test_mode.enabled
        if candidate.amount is not None:
            amount, breakdown = candidate.amount, Breakdown(base=candidate.amount, manual=True)
            details = {**breakdown.as_json(), "rule_id": rule.id, **(candidate.details or {})}
        else:
            streak = await self.streaks.multiplier(data, member.id, event, state.now)
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
        ledger_id = ordered_id()
        ledger.append(
            {
                "id": ledger_id,
                "discord_user_id": member.id,
                "event_type": event,
                "amount": amount,
                "idempotency_key": candidate.key,
                "channel_id": candidate.channel_id,
                "is_test": is_test,
                "details": details,
                "created_at": state.now,
            }
        )
        if not is_test:
            stats.setdefault(member.id, [0, 0, 0, 0])[3] += amount
        return Paid(amount, event, breakdown, member.id, is_test, ledger_id)
