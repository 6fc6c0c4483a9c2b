"""Exports page through a table by key; imports read back an event's payouts."""

from __future__ import annotations

from loyalteez.store import Store
from tests.conftest import linked
from tests.store.raw import tables


async def test_pages_continue_after_the_last_key(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "101"))
    for member in ("3", "1", "2"):
        await tables(data).insert("discord_user_stats", {"discord_user_id": member, "ltz_earned": 1})
    first = await data.exports.page_snapshot("users", None, 2)
    assert [r["discord_user_id"] for r in first] == ["1", "2"]
    rest = await data.exports.page_snapshot("users", data.exports.key_values("users", first[-1]), 2)
    assert [r["discord_user_id"] for r in rest] == ["3"]


async def test_event_payouts_read_back_amounts_and_details(store: Store) -> None:
    data = store.scoped(await linked(store, "brand_a", "101"))
    await tables(data).insert(
        "loyalteez_reward_ledger",
        {
            "id": "00000000-0000-0000-0000-000000000001",
            "discord_user_id": "7",
            "event_type": "imported_balance",
            "amount": 40,
            "idempotency_key": "import:7",
            "details": {"source": "import", "messages_total": 12},
        },
    )
    [payout] = await data.exports.event_payouts("imported_balance")
    assert (payout.member_id, payout.amount, payout.details["messages_total"]) == ("7", 40, 12)
    assert await data.exports.event_payouts("gm") == []
