"""Deciding and writing one server's batch: the shared core every payout path ends in.

Split from batch.py, which gathers passive events into per-server, per-day batches and chooses whether to
decide them holding the rewards locks or behind a guard: `BatchCore` holds the engine's state and `_run`,
which decides and writes one server's plans inside the caller's transaction (`_load` reads the tallies,
`_pay` prices and records a payout). `BatchEngine` (batch.py) and `RewardsEngine` (engine.py) build on it.

`_run` dedupes activity by key, loads the ledger tallies the batch needs in a few grouped queries, walks the
refusal ladder per (member, event) in arrival order, then writes ledger rows, stats and seen keys with one
statement per table (on SQLite the payouts in parts of SEND_EVERY, written while the rest is decided), all in
the caller's single transaction. Batches of thousands of messages therefore cost a
handful of statements and one commit; a command is a batch of one.

After-batch callbacks (`after_batch`) are an engagement extension point, described in
services/rewards/hooks.py: callbacks get each written batch's stats deltas and payouts inside its
transaction (achievements and community goals move with them).

Analytics rollups (`rollups`): every written batch also adds its per-member activity and real
payouts to the day's rollups (services/analytics/rollups.py), in the same transaction and a fixed number
of statements, so KPIs never rescan history and never disagree with the ledger.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from loyalteez.clock import Clock
from loyalteez.ids import ordered_id
from loyalteez.services.analytics.rollups import ActivityRollups, RollupSink
from loyalteez.services.rewards.batch_checks import NeedsLocks, Preloaded, check_args, earning
from loyalteez.services.rewards.bonuses import MemberBonus, NoStreaks, StreakMultiplierSource
from loyalteez.services.rewards.config import BrandSpend, ConfigCache, ServerRewards
from loyalteez.services.rewards.event_days import LATE_AFTER
from loyalteez.services.rewards.events import PassiveEvent
from loyalteez.services.rewards.hooks import AfterBatch, BatchEffects, PaidRow
from loyalteez.services.rewards.ladder import BatchState, Candidate, check, over_budget, refuse
from loyalteez.services.rewards.outcomes import Breakdown, EventOutcome, Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.planning import Plan
from loyalteez.store import ScopedData, Store

BatchHook = Callable[[ScopedData, Sequence[PassiveEvent]], Awaitable[None]]


# Payouts decided before they are sent to be written while the batch goes on (SQLite): big enough that a
# batch costs a few statements, small enough that most of its writing overlaps its deciding.
SEND_EVERY = 1000

# What an event that asked for no decision did: shared, as most messages of a batch earn nothing.
_COUNTED, _NOT_COUNTED = EventOutcome(True), EventOutcome(False)


class BatchCore:
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
        # On SQLite the payouts decided so far are written on the database's thread while the rest of the
        # batch is decided (`send`); on a shared database every write waits for the guard and the COMMIT.
        send_every = 0 if self.store.shared else SEND_EVERY
        sent = 0  # payouts of `ledger` already sent
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
            if send_every and len(ledger) - sent >= send_every:
                await data.ledger.write_payouts(ledger[sent:])
                sent = len(ledger)
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
            await data.ledger.write(ledger, stats, sent=sent)
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
