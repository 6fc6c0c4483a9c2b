"""Rankings and payout totals: test payouts never rank, ties share a place, members read back typed."""

from __future__ import annotations

import uuid
from datetime import timedelta

from loyalteez.store import ScopedData, Store
from tests.conftest import linked
from tests.store.raw import tables


async def pay(data: ScopedData, member: str, event: str, amount: int, *, is_test: bool = False) -> None:
    """A payout as the rewards engine writes it: the ledger row and the member's running totals."""
    row = {
        "id": str(uuid.uuid4()),
        "discord_user_id": member,
        "event_type": event,
        "amount": amount,
        "idempotency_key": str(uuid.uuid4()),
        "is_test": is_test,
    }
    await data.ledger.write([row], {} if is_test else {member: [0, 0, 0, amount]})


async def test_rankings_totals_and_breakdowns(store: Store, clock) -> None:
    data = store.scoped(await linked(store, "brand_a", "101"))
    since = clock.now() - timedelta(days=1)
    await pay(data, "1", "gm", 10)
    await pay(data, "2", "gm", 10)
    await pay(data, "2", "voice", 5)
    await pay(data, "3", "gm", 99, is_test=True)

    page = await data.standings.page("ltz_earned", since, 10, 0)
    assert [(r.member_id, r.value, r.position) for r in page] == [("2", 15, 1), ("1", 10, 2)]
    claims = await data.standings.page("claims", None, 10, 0)
    assert [(r.member_id, r.value, r.position) for r in claims] == [("2", 2, 1), ("1", 1, 2)]
    assert await data.standings.ranked("claims", None) == 2
    own = (await data.standings.board("ltz_earned", since, 10, 0, "1")).own
    assert own is not None and (own.position, own.value) == (2, 10)
    assert (await data.standings.board("ltz_earned", since, 10, 0, "3")).own is None

    totals = await data.standings.totals(since)
    assert (totals.payouts, totals.ltz, totals.members) == (3, 25, 2)
    by_event = await data.standings.breakdown(since, "events")
    assert [(g.name, g.payouts, g.ltz) for g in by_event] == [("gm", 2, 20), ("voice", 1, 5)]
    assert await data.standings.paid_by_event() == {"gm": 119, "voice": 5}
    assert await data.standings.earned_since("2", since) == 15
    assert await data.standings.claims_since("3", since) == {"gm": 1}
    last = await data.standings.last_claims("2", is_test=False)
    assert sorted((c.event_type, c.claims) for c in last) == [("gm", 1), ("voice", 1)]
    assert all(c.last_at is not None and c.last_at.tzinfo is not None for c in last)


async def test_member_stats_and_holdings(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "101"))
    await tables(data).insert(
        "discord_user_stats", {"discord_user_id": "1", "messages_count": 4, "ltz_earned": 30, "ltz_spent": 10}
    )
    assert await data.standings.members() == 1
    [one] = await data.standings.member_stats()
    assert (one.member_id, one.messages, one.reactions, one.ltz_earned, one.ltz_spent) == ("1", 4, 0, 30, 10)
    held = await data.standings.holdings("1")
    assert (held.earned, held.spent) == (30, 10)
    assert await data.standings.holdings("2") == type(held)(0, 0)
