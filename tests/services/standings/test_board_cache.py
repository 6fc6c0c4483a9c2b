"""A slow windowed board, or a big all-time one, is ranked once and kept briefly; quick small boards stay live."""

from __future__ import annotations

from datetime import timedelta

from loyalteez.clock import ManualClock
from loyalteez.services.standings import StandingsService
from loyalteez.services.standings.service import KEEP_BOARD
from loyalteez.store import Store
from tests.conftest import linked
from tests.store.raw import tables


class SlowClock(ManualClock):
    """Every look at the monotonic clock finds a second gone: each board read looks slow."""

    def monotonic(self) -> float:
        return self.tick(1.0)


async def _pay(store: Store, scope, member: str, amount: int, when, n: int) -> None:
    await tables(store.scoped(scope)).insert(
        "loyalteez_reward_ledger",
        {"id": f"00000000-0000-0000-0000-{n:012d}", "discord_user_id": member, "event_type": "message",
         "amount": amount, "idempotency_key": f"k{n}", "is_test": False, "created_at": when},
    )  # fmt: skip
    data = store.scoped(scope)
    row = await tables(data).get("discord_user_stats", {"discord_user_id": member})
    if row is None:
        await tables(data).insert("discord_user_stats", {"discord_user_id": member, "ltz_earned": amount})
    else:
        await tables(data).update(
            "discord_user_stats", {"discord_user_id": member}, {"ltz_earned": row["ltz_earned"] + amount}
        )


async def test_a_slow_week_board_is_kept_then_ranked_again(store: Store, clock: ManualClock) -> None:
    scope = await linked(store, "brand_a", "101")  # connected now; the board's week starts after it
    clock.advance(days=8)
    slow = SlowClock(clock.now())
    service = StandingsService(store, slow)
    for n, (member, amount) in enumerate((("7", 30), ("8", 30), ("9", 10))):
        await _pay(store, scope, member, amount, clock.now() - timedelta(minutes=5), n)

    board = await service.leaderboard(scope, "ltz_earned", "week", 1, "9")
    assert [(r.rank, r.member_id, r.value) for r in board.rows] == [(1, "7", 30), (1, "8", 30), (3, "9", 10)]
    assert board.caller is not None and board.caller.rank == 3

    await _pay(store, scope, "9", 50, clock.now() - timedelta(minutes=1), 3)
    kept = await service.leaderboard(scope, "ltz_earned", "week", 1, "9")
    assert [r.member_id for r in kept.rows] == ["7", "8", "9"] and kept.caller.value == 10  # served from memory
    live = await service.leaderboard(scope, "ltz_earned", "all", 1, "9")
    assert live.rows[0].member_id == "9", "all-time boards are index reads, always live"

    slow.tick(KEEP_BOARD)
    fresh = await service.leaderboard(scope, "ltz_earned", "week", 1, "9")
    assert [(r.rank, r.member_id, r.value) for r in fresh.rows] == [(1, "9", 60), (2, "7", 30), (2, "8", 30)]


async def test_a_quick_board_is_never_kept(store: Store, clock: ManualClock) -> None:
    scope = await linked(store, "brand_a", "101")
    clock.advance(days=8)
    service = StandingsService(store, clock)  # a clock that does not run: every board reads in no time
    await _pay(store, scope, "7", 30, clock.now(), 0)
    assert [r.member_id for r in (await service.leaderboard(scope, "claims", "week", 1, "")).rows] == ["7"]
    await _pay(store, scope, "8", 40, clock.now(), 1)
    board = await service.leaderboard(scope, "claims", "week", 1, "")
    assert [r.member_id for r in board.rows] == ["7", "8"]


async def test_a_big_all_time_board_is_kept_and_so_is_its_ranks(store: Store, clock: ManualClock, monkeypatch) -> None:
    monkeypatch.setattr("loyalteez.services.standings.service.KEEP_RANKED", 2)  # three members: a big board
    scope = await linked(store, "brand_a", "101")
    service = StandingsService(store, clock)
    for n, (member, amount) in enumerate((("7", 30), ("8", 20), ("9", 10))):
        await _pay(store, scope, member, amount, clock.now(), n)
    board = await service.leaderboard(scope, "ltz_earned", "all", 1, "9")
    assert [(r.rank, r.member_id) for r in board.rows] == [(1, "7"), (2, "8"), (3, "9")]

    await _pay(store, scope, "9", 50, clock.now(), 3)
    kept = await service.leaderboard(scope, "ltz_earned", "all", 1, "9")
    assert [r.member_id for r in kept.rows] == ["7", "8", "9"] and kept.caller.rank == 3
    mine = await service.reading_balance(scope, "9")
    assert (mine.earned, mine.rank, mine.ranked) == (60, 3, 3), "the balance is live, the rank is the kept board's"

    clock.tick(KEEP_BOARD)
    fresh = await service.leaderboard(scope, "ltz_earned", "all", 1, "9")
    assert [(r.rank, r.member_id, r.value) for r in fresh.rows] == [(1, "9", 60), (2, "7", 30), (3, "8", 20)]
    assert (await service.reading_balance(scope, "9")).rank == 1
