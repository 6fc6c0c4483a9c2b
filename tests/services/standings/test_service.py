"""Where a member stands, from the service a cog calls with plain values."""

from __future__ import annotations

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.errors import ValidationError
from loyalteez.services.standings import StandingsService, texts
from loyalteez.store import Store
from tests.conftest import linked
from tests.store.raw import tables


async def test_balance_leaderboard_and_dm_balances(store: Store, clock: ManualClock) -> None:
    scope = await linked(store, "brand_a", "101", "Cafe")
    service = StandingsService(store, clock)
    assert await service.dm_balances("7") == texts.DM_NO_BALANCES

    await tables(store.scoped(scope)).insert(
        "discord_user_stats", {"discord_user_id": "7", "ltz_earned": 30, "ltz_spent": 5}
    )
    mine = await service.balance(scope, "7")
    assert (mine.earned, mine.spent, mine.available, mine.rank, mine.ranked) == (30, 5, 25, 1, 1)
    assert await service.dm_balances("7") == "**Cafe**: 25 LTZ available (30 earned)"

    board = await service.leaderboard(scope, "ltz_earned", "all", 5, "7")
    assert (board.page, board.pages, [r.member_id for r in board.rows]) == (1, 1, ["7"])
    assert board.caller is not None and board.caller.rank == 1
    with pytest.raises(ValidationError):
        await service.leaderboard(scope, "karma", "all", 1, "7")
