"""A big batch on SQLite sends its payouts to be written while it goes on deciding (batch_core.SEND_EVERY):
members see the same payouts, stats and claims as if it wrote them all at the end, and a failure in a sent
part rolls the whole batch back."""

from __future__ import annotations

import pytest

from loyalteez.services.rewards import RewardsEngine, batch_core, check_ledger
from loyalteez.store import Store
from tests.services.rewards.helpers import Messages, apply, connected, stats

MEMBERS = [str(810000000000000000 + n) for n in range(120)]


async def test_payouts_sent_in_parts_pay_and_count_as_one_batch(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_core, "SEND_EVERY", 25)  # 120 payouts: four parts sent, the rest at the end
    data = await connected(store)
    msg = Messages(store)
    real, parts = type(data.ledger).write_payouts, []

    async def counted(self: object, rows: list[object], *rest: object) -> None:
        parts.append(len(rows))
        await real(self, rows, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(type(data.ledger), "write_payouts", counted)
    outcomes = await apply(RewardsEngine(store), data, *(msg("gm", author=m) for m in MEMBERS))
    assert parts == ([25, 25, 25, 25, 20] if not store.shared else [120])
    paid = [o.paid[0] for o in outcomes]
    assert len(paid) == len(MEMBERS) and all(p.amount > 0 for p in paid)
    rows = await store.db.fetch_all(
        "SELECT discord_user_id, amount FROM loyalteez_reward_ledger WHERE server_id = ?", [data.scope.server_id]
    )
    assert sorted((r["discord_user_id"], r["amount"]) for r in rows) == sorted((p.member_id, p.amount) for p in paid)
    for member, payout in ((p.member_id, p.amount) for p in paid[::17]):
        assert (await stats(data, member))["ltz_earned"] == payout
    claims = await store.db.fetch_value(
        "SELECT SUM(claims) FROM discord_user_stats WHERE server_id = ?", [data.scope.server_id]
    )
    assert claims == len(MEMBERS)  # the parts sent early count in the members' claims too
    assert (await check_ledger(store)).ok


async def test_a_sent_part_that_fails_rolls_the_whole_batch_back(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    if store.shared:
        pytest.skip("on a shared database the payouts are written with the COMMIT, never sent early")
    monkeypatch.setattr(batch_core, "SEND_EVERY", 25)
    data = await connected(store)
    msg = Messages(store)
    ledger = data.ledger
    real = type(ledger).write_payouts
    parts = 0

    async def second_part_fails(self: object, rows: object, *rest: object) -> None:
        nonlocal parts
        parts += 1
        if parts == 2:  # a part the database refuses: a row for a server that does not exist
            await store.db.send(
                "INSERT INTO loyalteez_seen_events (brand_id, server_id, event_key, seen_on) VALUES (?, ?, ?, ?)",
                [data.scope.brand_id, "no-such-server", "m:x", store.clock.now().date()],
            )
        await real(self, rows, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(type(ledger), "write_payouts", second_part_fails)
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        await apply(RewardsEngine(store), data, *(msg("gm", author=m) for m in MEMBERS))
    assert parts >= 2
    assert await store.db.fetch_value("SELECT COUNT(*) FROM loyalteez_reward_ledger") == 0
    assert await store.db.fetch_value("SELECT COUNT(*) FROM discord_user_stats") == 0
    assert await store.db.fetch_value("SELECT COUNT(*) FROM loyalteez_seen_events") == 0
