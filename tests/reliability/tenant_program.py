"""A seeded random program of store operations from many brands and servers, checked against a model.

Every scope draws its keys, members, events and channels from the SAME small pools, so a missing scope
filter anywhere would surface as a key "already seen", a payout counted, a rule found or a row changed that
this scope never wrote. Two invariants, after every operation:
  * reads: what the acting scope reads equals its own model (generic select/count/get, and the mixins:
    rewards, standings, catch-up cursors);
  * writes: every OTHER scope's rows, in every tenant table, are exactly as before (read as the owner).
`run_as` wraps each operation; the RLS variant runs it as a Supabase `authenticated` session whose claims
name only the acting brand and server.
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from loyalteez.store import Scope, ScopedData, Store
from tests.store.raw import tables

MEMBERS = [f"70{n}" for n in range(1, 7)]
KEYS = [f"k{n}" for n in range(1, 13)]
EVENTS = ["ev_a", "ev_b", "ev_c", "ev_d"]
CHANNELS = [f"60{n}" for n in range(1, 5)]
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
RunAs = Callable[[Scope], AbstractAsyncContextManager[None]]


@dataclass
class Model:
    """What one scope has written, so what it must read back."""

    seen: set[str] = field(default_factory=set)
    ledger: dict[str, tuple[str, str, int, bool]] = field(default_factory=dict)  # key -> member, event, amount, test
    stats: dict[str, list[int]] = field(default_factory=dict)  # member -> messages, reactions, voice, ltz
    cursors: dict[str, int] = field(default_factory=dict)
    rules: dict[str, int] = field(default_factory=dict)
    disabled: dict[str, str | None] = field(default_factory=dict)
    streaks: dict[str, int] = field(default_factory=dict)

    def real_totals(self) -> dict[str, int]:
        totals: Counter[str] = Counter()
        for member, _, amount, test in self.ledger.values():
            if not test:
                totals[member] += amount
        return dict(totals)


class Program:
    def __init__(
        self, store: Store, scopes: list[Scope], seed: int, run_as: RunAs, *, operator_reads: bool = True
    ) -> None:
        self.store = store
        self.operator_reads = operator_reads  # the brand row (budget) is not readable by RLS sessions
        self.scopes = scopes
        self.rng = random.Random(seed)
        self.run_as = run_as
        self.models = {s: Model() for s in scopes}
        self.ops: Counter[str] = Counter()
        self.tables = store.catalog.tenant_tables()

    async def run(self, steps: int) -> Counter[str]:
        operations = [getattr(self, name) for name in dir(self) if name.startswith("op_")]
        for _ in range(steps):
            scope = self.rng.choice(self.scopes)
            operation = self.rng.choice(operations)
            before = await self.others(scope)
            async with self.run_as(scope):
                await operation(self.store.scoped(scope), self.models[scope])
            after = await self.others(scope)
            changed = [t for t in self.tables if before[t] != after[t]]
            assert not changed, f"{operation.__name__} by {scope} changed other scopes' rows in {changed}"
            self.ops[operation.__name__.removeprefix("op_")] += 1
        return self.ops

    async def others(self, acting: Scope) -> dict[str, list[str]]:
        """Every other scope's rows per tenant table, read as the owner (RLS does not apply).

        Empty tables are proven empty by one counting query; only tables holding rows are read in full.
        """
        mine = "brand_id = ? AND COALESCE(server_id, '') = ?"
        counts = await self.store.db.fetch_all(
            " UNION ALL ".join(f"SELECT '{t}' AS t, COUNT(*) AS n FROM {t} WHERE NOT ({mine})" for t in self.tables),
            [v for _ in self.tables for v in (acting.brand_id, acting.server_id)],
        )
        found: dict[str, list[str]] = {r["t"]: [] for r in counts}
        for table in [r["t"] for r in counts if r["n"]]:
            rows = await self.store.db.fetch_all(f"SELECT * FROM {table}")
            found[table] = sorted(
                repr(sorted(r.items()))
                for r in rows
                if (r["brand_id"], r["server_id"]) != (acting.brand_id, acting.server_id)
            )
        return found

    def pick(self, pool: list[str], most: int = 4) -> list[str]:
        return self.rng.sample(pool, self.rng.randint(1, most))

    # -- rewards mixin ---------------------------------------------------------------------------------------

    async def op_mark_seen(self, data: ScopedData, model: Model) -> None:
        keys = [f"m:{k}" for k in self.pick(KEYS)]
        assert await data.ledger.mark_seen(keys) == set(keys) - model.seen
        model.seen |= set(keys)

    async def op_write(self, data: ScopedData, model: Model) -> None:
        fresh = [k for k in self.pick(KEYS, 3) if f"{k}:ev" not in model.ledger]
        rows = []
        for key in fresh:
            member, event = self.rng.choice(MEMBERS), self.rng.choice(EVENTS)
            amount, test = self.rng.randint(1, 50), self.rng.random() < 0.2
            rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "discord_user_id": member,
                    "event_type": event,
                    "amount": amount,
                    "idempotency_key": f"{key}:ev",
                    "is_test": test,
                    "details": {"k": key},
                }
            )
            model.ledger[f"{key}:ev"] = (member, event, amount, test)
        stats = {
            m: [self.rng.randint(0, 3), self.rng.randint(0, 2), 0, self.rng.randint(0, 40)]
            for m in self.pick(MEMBERS, 2)
        }
        await data.ledger.write(rows, stats)
        for member, deltas in stats.items():
            have = model.stats.setdefault(member, [0, 0, 0, 0])
            for n, delta in enumerate(deltas):
                have[n] += delta
        for row in rows:  # a real payout counts in its member's stats (claims), creating them if needed
            if not row["is_test"]:
                model.stats.setdefault(row["discord_user_id"], [0, 0, 0, 0])

    async def op_read_ledger(self, data: ScopedData, model: Model) -> None:
        keys = [f"{k}:ev" for k in self.pick(KEYS, 6)]
        assert await data.ledger.paid_keys(keys) == {k for k in keys if k in model.ledger}
        events = self.pick(EVENTS)
        for test in (False, True):  # test payouts and real ones keep separate limits
            expected = Counter(e for _, e, _, t in model.ledger.values() if e in events and t == test)
            assert await data.ledger.event_totals(events, is_test=test) == dict(expected)
        assert await data.ledger.totals(None) == model.real_totals()
        assert await data.ledger.earned() == {m: s[3] for m, s in model.stats.items()}
        members = self.pick(MEMBERS)
        tallies = await data.ledger.tallies(members, events, EPOCH)
        claims = Counter((m, e) for m, e, _, t in model.ledger.values() if m in members and e in events and not t)
        assert {k: t.claims for k, t in tallies.items()} == dict(claims)

    async def op_rules(self, data: ScopedData, model: Model) -> None:
        event = self.rng.choice(EVENTS)
        action = self.rng.choice(["insert", "update", "delete"])
        if action == "insert":
            reward = self.rng.randint(1, 100)
            added = await data.rewards.insert_rule(
                {"id": str(uuid.uuid4()), "event_type": event, "reward_amount": reward}
            )
            assert added == (event not in model.rules)
            model.rules.setdefault(event, reward)
        elif action == "update":
            reward = self.rng.randint(1, 100)
            assert await data.rewards.update_rule(event, {"reward_amount": reward}) == int(event in model.rules)
            if event in model.rules:
                model.rules[event] = reward
        else:
            assert await data.rewards.delete_rule(event) == int(model.rules.pop(event, None) is not None)
        rows = await tables(data).select("monitoring_rules")
        assert {r["event_type"]: r["reward_amount"] for r in rows} == model.rules

    async def op_members(self, data: ScopedData, model: Model) -> None:
        member = self.rng.choice(MEMBERS)
        if self.rng.random() < 0.6:
            reason = self.rng.choice([None, "spam", "bot"])
            await data.rewards.disable_member(member, reason, "1")
            model.disabled[member] = reason
        else:
            assert await data.rewards.enable_member(member) == int(model.disabled.pop(member, 0) != 0)
        rows = await tables(data).select("loyalteez_disabled_members")
        assert {r["discord_user_id"]: r["reason"] for r in rows} == model.disabled
        if self.operator_reads:
            config = await data.rewards.config_rows()
            assert config.disabled == frozenset(model.disabled)

    # -- standings mixin ---------------------------------------------------------------------------------------

    async def op_standings(self, data: ScopedData, model: Model) -> None:
        board = await data.standings.page("ltz_earned", None, 10, 0)
        expected = {m: s[3] for m, s in model.stats.items() if s[3] > 0}
        assert {r.member_id: r.value for r in board} == expected
        assert await data.standings.ranked("ltz_earned", None) == len(expected)
        claims = await data.standings.page("claims", None, 10, 0)
        counted = Counter(m for m, _, _, test in model.ledger.values() if not test)
        assert {r.member_id: r.value for r in claims} == dict(counted)
        totals = await data.standings.totals(EPOCH)
        real = [a for _, _, a, test in model.ledger.values() if not test]
        assert dataclasses.asdict(totals) == {"payouts": len(real), "ltz": sum(real), "members": len(counted)}
        member = self.rng.choice(MEMBERS)
        assert await data.standings.earned_since(member, EPOCH) == model.real_totals().get(member, 0)

    # -- reliability mixin -------------------------------------------------------------------------------------

    async def op_cursors(self, data: ScopedData, model: Model) -> None:
        moves = {c: self.rng.randint(1, 1000) for c in self.pick(CHANNELS, 3)}
        await data.catchup.advance(moves)
        for channel, message in moves.items():
            model.cursors[channel] = max(model.cursors.get(channel, 0), message)
        assert await data.catchup.cursors() == model.cursors

    # -- generic scoped operations -----------------------------------------------------------------------------

    async def op_generic(self, data: ScopedData, model: Model) -> None:
        table, member = "discord_user_streaks", self.rng.choice(MEMBERS)
        action = self.rng.choice(["upsert", "insert", "update", "delete"])
        value = self.rng.randint(0, 30)
        if action == "upsert":
            await tables(data).upsert(
                table,
                {"discord_user_id": member, "current_streak": value},
                key=("server_id", "discord_user_id"),
                update=("current_streak",),
            )
            model.streaks[member] = value
        elif action == "insert":
            added = await tables(data).insert(
                table, {"discord_user_id": member, "current_streak": value}, ignore_conflict=True
            )
            assert added == (member not in model.streaks)
            model.streaks.setdefault(member, value)
        elif action == "update":
            changed = await tables(data).update(table, {"discord_user_id": member}, {"current_streak": value})
            assert changed == int(member in model.streaks)
            if member in model.streaks:
                model.streaks[member] = value
        else:
            assert await tables(data).delete(table, {"discord_user_id": member}) == int(
                model.streaks.pop(member, -1) >= 0
            )
        rows = await tables(data).select(table, order_by=["discord_user_id"])
        assert {r["discord_user_id"]: r["current_streak"] for r in rows} == model.streaks
        assert await tables(data).count(table) == len(model.streaks)
        assert await tables(data).count(table, {"discord_user_id": ("IN", MEMBERS[:3])}) == sum(
            1 for m in model.streaks if m in MEMBERS[:3]
        )
        got = await tables(data).get(table, {"discord_user_id": member})
        assert (got["current_streak"] if got else None) == model.streaks.get(member)
        stats = await tables(data).select("discord_user_stats")
        assert {r["discord_user_id"] for r in stats} == set(model.stats)


async def link_all(store: Store, scopes: list[Scope]) -> None:
    for scope in scopes:
        if await store.get_brand(scope.brand_id) is None:
            await store.insert_brand(
                {"brand_id": scope.brand_id, "name": f"Brand {scope.brand_id}", "key_salt": "00", "key_hash": "x"}
            )
        await store.scoped(scope).server.link(f"Server {scope.server_id}")


def scopes_for(brands: int, servers: int) -> list[Scope]:
    return [Scope(f"brand_{b}", f"{b + 1}0{s + 1}") for b in range(brands) for s in range(servers)]
