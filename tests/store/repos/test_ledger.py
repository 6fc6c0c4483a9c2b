"""LedgerRepository: seen keys, paid keys, tallies and totals, the batch write and the check's sums."""

from __future__ import annotations

from datetime import timedelta

from loyalteez.ids import new_id
from loyalteez.store import Store
from tests.conftest import linked

ALICE, BOB = "800000000000000001", "800000000000000002"


def _paid(member: str, event: str, amount: int, key: str, **extra: object) -> dict[str, object]:
    return {
        "id": new_id(),
        "discord_user_id": member,
        "event_type": event,
        "amount": amount,
        "idempotency_key": key,
        **extra,
    }


async def test_seen_keys_are_new_once_and_pruned_by_day(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    other = store.scoped(await linked(store, "brand_a", "1002"))
    assert await data.ledger.mark_seen(["a", "b", "a"]) == {"a", "b"}
    assert await data.ledger.mark_seen(["b", "c"]) == {"c"}
    assert await other.ledger.mark_seen(["a"]) == {"a"}, "keys are per server"
    today = store.clock.now().date()
    assert await data.ledger.prune_seen(today) == 0
    assert await data.ledger.prune_seen(today + timedelta(days=1)) == 3


async def test_a_key_seen_before_a_server_changed_brand_is_still_seen(store: Store) -> None:
    """A server taken over by another brand keeps its seen keys (their primary key is the server's): a
    message counted before the change must not count again when Discord delivers it again."""
    before = store.scoped(await linked(store, "brand_a", "1001"))
    assert await before.ledger.mark_seen(["m:1"]) == {"m:1"}
    await before.server.unlink()
    after = store.scoped(await linked(store, "brand_b", "1001"))
    assert await after.ledger.mark_seen(["m:1", "m:2"]) == {"m:2"}
    assert await after.ledger.mark_seen(["m:1", "m:2"]) == set()


async def test_write_then_every_read_the_engine_makes(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    now = store.clock.now()
    rows = [
        _paid(ALICE, "gm", 5, "k1", created_at=now - timedelta(days=2)),
        _paid(ALICE, "gm", 5, "k2"),
        _paid(BOB, "quiz", 20, "k3", is_test=True),
    ]
    await data.ledger.write(rows, {ALICE: [2, 0, 0, 10], BOB: [1, 1, 3, 20]})
    await data.ledger.write([], {ALICE: [1, 0, 0, 0]})
    assert await data.ledger.paid_keys(["k1", "k3", "k9"]) == {"k1", "k3"}
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tallies = await data.ledger.tallies([ALICE, BOB], ["gm", "quiz"], day_start)
    assert (tallies[(ALICE, "gm")].claims, tallies[(ALICE, "gm")].today) == (2, 1)
    assert tallies[(ALICE, "gm")].last_at == now and (BOB, "quiz") not in tallies, "real limits skip tests"
    tested = await data.ledger.tallies([ALICE, BOB], ["gm", "quiz"], day_start, is_test=True)
    assert list(tested) == [(BOB, "quiz")] and tested[(BOB, "quiz")].claims == 1
    recent = await data.ledger.tallies([ALICE], ["gm"], day_start, since=now - timedelta(days=1))
    assert recent[(ALICE, "gm")].claims == 1
    assert await data.ledger.tallies([], ["gm"], day_start) == {}
    assert await data.ledger.event_totals(["gm", "quiz", "none"]) == {"gm": 2}
    assert await data.ledger.event_totals(["gm", "quiz", "none"], is_test=True) == {"quiz": 1}
    assert await data.ledger.brand_spent() == 10, "test payouts spend no budget"
    assert await data.ledger.totals(None) == {ALICE: 10}
    assert await data.ledger.totals(now - timedelta(days=1)) == {ALICE: 5}
    assert await data.ledger.earned() == {ALICE: 10, BOB: 20}
    stats = await data.standings.member_stats_of(ALICE)
    assert (stats.messages, stats.reactions, stats.voice_minutes, stats.ltz_earned) == (3, 0, 0, 10)
    assert (await data.standings.member_stats_of("800000000000000003")).ltz_earned == 0


async def test_brand_spent_counts_every_server_of_the_brand(store: Store) -> None:
    one = store.scoped(await linked(store, "brand_a", "1001"))
    two = store.scoped(await linked(store, "brand_a", "1002"))
    await one.ledger.write([_paid(ALICE, "gm", 5, "k1")], {})
    await two.ledger.write([_paid(ALICE, "gm", 7, "k1")], {})
    assert await one.ledger.brand_spent() == 12
    assert await one.ledger.paid_keys(["k1"]) == {"k1"} and await one.ledger.totals(None) == {ALICE: 5}


async def test_the_servers_ledger_newest_first_by_pages_and_by_key(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "1001"))
    other = store.scoped(await linked(store, "brand_a", "1002"))
    now = store.clock.now()
    rows = [
        _paid(ALICE if n % 2 else BOB, "gm", n + 1, f"k{n}", created_at=now - timedelta(minutes=n // 3))
        for n in range(12)
    ]
    await data.ledger.write(rows, {})
    await other.ledger.write([_paid(ALICE, "gm", 99, "elsewhere")], {})
    newest_first = [r.amount for r in await data.ledger.newest_page(100, 0)]
    assert sorted(newest_first[:3]) == [1, 2, 3] and sorted(newest_first[-3:]) == [10, 11, 12]
    assert 99 not in newest_first and await data.ledger.size() == 12
    assert [r.amount for r in await data.ledger.newest_page(5, 5)] == newest_first[5:10]
    walked, after = [], None  # keyset pages of 5, ties on created_at broken by id: every row once
    while batch := await data.ledger.newest(5, after):
        walked += [r.amount for r in batch]
        after = (batch[-1].created_at, batch[-1].row_id)
    assert walked == newest_first


async def test_the_servers_ledger_and_audit_log_page_down_their_index(tmp_path, clock) -> None:
    """Numbered pages and keyset batches are backward index ranges: no sort of a server's whole ledger or log."""
    store = await Store.open(str(tmp_path / "plan.db"), clock)
    queries = {
        f"SELECT * FROM {table} WHERE brand_id = ? AND server_id = ?{keyset} ORDER BY created_at DESC, id DESC "
        "LIMIT 25 OFFSET 0": index
        for table, index in (
            ("loyalteez_reward_ledger", "idx_reward_ledger_server_time"),
            ("discord_audit_log", "idx_audit_log_server_time"),
        )
        for keyset in ("", " AND (created_at, id) < (?, ?)")
    }
    try:
        for sql, index in queries.items():
            params = ["b", "1", *(["2026-03-01", "x"] if "<" in sql else [])]
            plan = " | ".join(
                str(row["detail"]) for row in await store.db.fetch_all("EXPLAIN QUERY PLAN " + sql, params)
            )
            assert index in plan and "TEMP B-TREE" not in plan, (sql, plan)
    finally:
        await store.close()
