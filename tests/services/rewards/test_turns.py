"""Claims waiting for SQLite's one writer share its turn: each decided as it would be alone, committed together,
answered once committed; a turn that fails decides each of its commands again alone. PostgreSQL has none."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import sqlite3
from collections.abc import Sequence
from typing import Any

import pytest

from loyalteez.services.drops import Drops
from loyalteez.services.rewards import ClaimRequest, Member, Paid, Refused, Rewards, RewardsEngine
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_members as members
from loyalteez.store import ScopedData, Store
from tests.services.drops.test_service import plan
from tests.services.rewards.helpers import ADMIN, ALICE, GENERAL, connected, ledger, snapshot, stats
from tests.store.raw import tables

CROWD = [str(820_000_000_000_000_000 + n) for n in range(40)]


@pytest.fixture
async def data(store: Store) -> ScopedData:
    data = await connected(store)
    await events.create_event(data, ADMIN, "bonus", events.EventOptions(reward=5))
    return data


def engine_with_turns(store: Store) -> RewardsEngine:
    """An engine whose claims share the writer's turns; PostgreSQL has none (each command its own transaction)."""
    engine = RewardsEngine(store)
    if engine.turns is None:
        pytest.skip("PostgreSQL: each command has its own transaction")
    return engine


def claim(who: str, interaction: str, event: str = "bonus") -> ClaimRequest:
    return ClaimRequest(interaction, Member(who), event, GENERAL)


async def test_claims_arriving_together_share_turns_and_each_is_paid_once(store: Store, data: ScopedData) -> None:
    engine = RewardsEngine(store)
    if engine.turns is None:
        assert store.shared, "only a database several connections write at once has no shared turns"
        return
    outcomes = await asyncio.gather(*(engine.claim(data.scope, claim(m, f"i{n}")) for n, m in enumerate(CROWD)))
    assert all(isinstance(o, Paid) and o.amount == 5 for o in outcomes)
    assert engine.turns.turns < len(CROWD) / 4, f"{engine.turns.turns} turns for {len(CROWD)} claims"
    rows = await ledger(data)
    assert sorted(r["idempotency_key"] for r in rows) == sorted(f"i{n}:bonus" for n in range(len(CROWD)))
    assert (await stats(data, CROWD[0]))["ltz_earned"] == 5


async def test_a_members_second_claim_in_the_same_turn_meets_the_first_ones_cooldown(
    store: Store, data: ScopedData
) -> None:
    await events.create_event(data, ADMIN, "hourly", events.EventOptions(reward=3, cooldown_hours=1))
    engine = RewardsEngine(store)
    first, second = await asyncio.gather(
        engine.claim(data.scope, claim(ALICE, "a1", "hourly")), engine.claim(data.scope, claim(ALICE, "a2", "hourly"))
    )
    assert isinstance(first, Paid) and isinstance(second, Refused), (first, second)
    assert (await stats(data, ALICE))["ltz_earned"] == 3


async def test_a_turn_that_fails_decides_each_of_its_claims_again_alone(
    store: Store, data: ScopedData, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_with_turns(store)
    failures = []

    async def fails_once(asks):
        if not failures:
            failures.append(len(asks))
            raise RuntimeError("a statement failed")
        return await RewardsEngine.decide_together(engine, asks)

    monkeypatch.setattr(engine, "decide_together", fails_once)
    outcomes = await asyncio.gather(*(engine.claim(data.scope, claim(m, f"i{n}")) for n, m in enumerate(CROWD[:10])))
    assert failures and all(isinstance(o, Paid) for o in outcomes), outcomes
    keys = [r["idempotency_key"] for r in await ledger(data)]
    assert len(keys) == len(set(keys)) == 10, "the failed turn rolled back: nothing paid twice"


async def test_drop_clicks_share_a_turn_with_claims_and_a_refused_one_gives_its_slot_back(
    store: Store, data: ScopedData
) -> None:
    rewards = Rewards(store, store.clock)
    drops = Drops(store, store.clock, rewards)
    await events.create_event(data, ADMIN, "open_drop", events.EventOptions(reward=7, trigger="drop"))
    made = await plan(drops, data, event="open_drop", channel_id=GENERAL)
    await drops.create(data.scope, made, actor_id=ADMIN, message_id="555000000000000009")
    await members.disable_member(data, ADMIN, ALICE, "spam")
    clickers, claimers = CROWD[:20], CROWD[20:]
    results = await asyncio.gather(
        *(drops.claim(data.scope, made.drop_id, Member(m)) for m in [*clickers, ALICE, *clickers]),
        *(rewards.claim(data.scope, claim(m, f"c{n}")) for n, m in enumerate(claimers)),
    )
    clicks, refused, commands = [*results[:20], *results[21:41]], results[20], results[41:]
    assert sorted(r.status for r in clicks) == ["claimed"] * 20 + ["paid"] * 20, "each clicker paid once"
    assert all("7 LTZ" in r.text for r in clicks if r.paid)
    assert refused.status == "refused" and "turned off for you" in refused.text
    assert all(isinstance(o, Paid) for o in commands)
    drop = await tables(data).get("discord_drops", {"drop_id": made.drop_id})
    claims = await tables(data).select("discord_drop_claims", {"drop_id": made.drop_id})
    assert drop["claims_count"] == 20 and sorted(c["discord_user_id"] for c in claims) == sorted(clickers)
    assert all(c["reward_amount"] == 7 for c in claims)
    audited = await tables(data).count("discord_audit_log", {"action": "drops.claimed"})
    assert audited == 20, "each paid click has its audit row, in the same transaction"
    if rewards.engine.turns is not None:
        assert rewards.engine.turns.turns < 20, "clicks and commands shared the writer's turns"
    before = await snapshot(store)
    assert (await drops.claim(data.scope, made.drop_id, Member(ALICE))).status == "refused"
    assert await snapshot(store) == before, "a refused click leaves no claim row and no slot"


async def test_a_turn_whose_transaction_cannot_begin_answers_its_claims_instead_of_retrying(
    store: Store, data: ScopedData, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_with_turns(store)
    began: list[int] = []
    real = store.db.transaction

    @contextlib.asynccontextmanager
    async def cannot_begin():
        began.append(1)
        raise sqlite3.OperationalError("database is locked")
        yield  # pragma: no cover

    monkeypatch.setattr(store.db, "transaction", cannot_begin)
    tries = [engine.claim(data.scope, claim(m, f"i{n}")) for n, m in enumerate(CROWD[:3])]
    answers = await asyncio.wait_for(asyncio.gather(*tries, return_exceptions=True), 5)
    assert all(isinstance(a, sqlite3.OperationalError) for a in answers), answers
    assert len(began) <= 6, f"{len(began)} attempts to begin: each claim meets the error once or twice"

    monkeypatch.setattr(store.db, "transaction", real)
    assert isinstance(await engine.claim(data.scope, claim(ALICE, "later")), Paid), "the writer works again"


async def test_a_double_click_refused_by_the_events_cooldown_is_told_so_twice(store: Store, data: ScopedData) -> None:
    rewards = Rewards(store, store.clock)
    drops = Drops(store, store.clock, rewards)
    await events.create_event(
        data, ADMIN, "hourly_drop", events.EventOptions(reward=4, trigger="drop", cooldown_hours=1)
    )
    first, second = [await plan(drops, data, event="hourly_drop", channel_id=GENERAL) for _ in range(2)]
    await drops.create(data.scope, first, actor_id=ADMIN, message_id="555000000000000011")
    await drops.create(data.scope, second, actor_id=ADMIN, message_id="555000000000000012")
    assert (await drops.claim(data.scope, first.drop_id, Member(ALICE))).paid
    clicks = await asyncio.gather(*(drops.claim(data.scope, second.drop_id, Member(ALICE)) for _ in range(2)))
    assert [c.status for c in clicks] == ["refused", "refused"], [(c.status, c.text) for c in clicks]
    assert all("again" in c.text for c in clicks), [c.text for c in clicks]
    assert await tables(data).count("discord_drop_claims", {"drop_id": second.drop_id}) == 0


async def test_a_leader_cancelled_mid_turn_still_commits_its_neighbours_claims(store: Store, data: ScopedData) -> None:
    engine = engine_with_turns(store)
    tasks = [asyncio.create_task(engine.claim(data.scope, claim(m, f"i{n}"))) for n, m in enumerate(CROWD[:5])]
    while engine.turns._queue or not engine.turns.running:  # the first one leads a turn holding all five
        await asyncio.sleep(0)
    tasks[0].cancel()  # the bot stopping while the turn runs
    outcomes = await asyncio.gather(*tasks[1:])
    assert all(isinstance(o, Paid) for o in outcomes), outcomes
    keys = sorted(r["idempotency_key"] for r in await ledger(data))
    assert keys == [f"i{n}:bonus" for n in range(5)], "the turn committed, the cancelled leader's claim too"


_deciding: contextvars.ContextVar[bool] = contextvars.ContextVar("deciding-a-turn", default=False)


class TurnRoundTrips:
    """Counts the statements a shared turn's decision awaits, one by one: each waits for the event loop to come
    round, about 200 ms when the bot is overloaded. A sent write (`send`) is not awaited; a queued one is, on
    SQLite."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.count = inner, 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)
        if name not in ("execute", "executemany", "fetch_all", "fetch_one", "fetch_value", "queue", "queue_many"):
            return method

        async def counted(sql: str, params: Sequence[Any] = ()) -> Any:
            self.count += _deciding.get()
            return await method(sql, params)

        return counted


async def test_a_turn_shared_by_many_drop_clicks_costs_a_few_round_trips(store: Store, data: ScopedData) -> None:
    rewards = Rewards(store, store.clock)
    if rewards.engine.turns is None:
        pytest.skip("PostgreSQL: each command has its own transaction")
    drops = Drops(store, store.clock, rewards)
    await events.create_event(data, ADMIN, "open_drop", events.EventOptions(reward=7, trigger="drop"))
    made = await plan(drops, data, event="open_drop", channel_id=GENERAL)
    await drops.create(data.scope, made, actor_id=ADMIN, message_id="555000000000000013")
    counter = TurnRoundTrips(store.db)
    store.db = counter  # type: ignore[assignment]
    decide = rewards.engine.decide_together

    async def deciding(asks: Any) -> Any:
        _deciding.set(True)  # in the leader's own task: only its turn's statements count
        return await decide(asks)

    rewards.engine.decide_together = deciding  # type: ignore[method-assign]
    turns_before = rewards.engine.turns.turns
    results = await asyncio.gather(*(drops.claim(data.scope, made.drop_id, Member(m)) for m in CROWD))
    assert all(r.paid for r in results), [r.status for r in results]
    turns = rewards.engine.turns.turns - turns_before
    # Written together, a turn's clicks cost a few statements per turn (7 here), not some per click (4 each).
    assert counter.count <= min(8 * turns, len(CROWD) // 2), (
        f"{counter.count} statements awaited in {turns} turns for {len(CROWD)} clicks"
    )
    claims = await tables(data).select("discord_drop_claims", {"drop_id": made.drop_id})
    assert sorted(c["discord_user_id"] for c in claims) == sorted(CROWD) and {c["reward_amount"] for c in claims} == {7}
    assert await tables(data).count("discord_audit_log", {"action": "drops.claimed"}) == len(CROWD)
