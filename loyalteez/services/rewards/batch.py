"""The batch path of passive events: gathered per server and per day, decided with or without the locks.

`BatchEngine` adds to the shared core (`BatchCore`, batch_core.py, which decides and writes one server's
plans) what the writer calls with a batch of passive events: `preplan` as they arrive, then `apply`, which
groups them by server and by day and decides them holding the rewards locks, or first behind a guard on a
shared database. `RewardsEngine` (engine.py) adds the commands, `pay` and imports on top of it.

Time: a late message (posted more than LATE_AFTER before it is applied: replayed after a RESUME, or fetched
by the catch-up after downtime) is decided at the moment it was posted (`created_at`), so it meets the
cooldowns and daily limits of its own day and its ledger row carries that moment. Everything else, live
messages included, is decided at the clock's now. A batch spanning UTC midnight is decided day by day,
older day first.

Batch hooks (`batch_hooks`): callables run with each server's passive events inside the batch's
transaction, after they were decided and written, for state that must commit together with them (the
catch-up cursor of services/catchup.py). A hook that raises rolls the batch back like any other error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from loyalteez.services.rewards.batch_checks import NeedsLocks, Preloaded, earning
from loyalteez.services.rewards.batch_core import BatchCore
from loyalteez.services.rewards.config import ServerRewards
from loyalteez.services.rewards.event_days import by_day, decided_at
from loyalteez.services.rewards.events import PassiveEvent
from loyalteez.services.rewards.outcomes import EventOutcome
from loyalteez.services.rewards.planning import Plan, plan
from loyalteez.store import Scope

T = TypeVar("T")


Planned = tuple[ServerRewards, Plan]  # a plan made ahead, with the config snapshot it was made with


def _plan_with(event: PassiveEvent, cfg: ServerRewards, ahead: Planned | None) -> Plan:
    return ahead[1] if ahead is not None and ahead[0] is cfg else plan(event, cfg)


class BatchEngine(BatchCore):
    """What the writer calls with a batch of passive events, on top of the shared core."""

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
