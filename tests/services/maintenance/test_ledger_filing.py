"""Filing the ledger moves payouts into the big half of the member index, and nobody can tell: every
member read, every cap and cooldown reads the same before and after, and nothing a row records changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.container import build_services
from loyalteez.services.maintenance.ledger_filing import FILE_EVERY, FRESH_FOR, LedgerFiling
from loyalteez.services.rewards import ClaimRequest, Member, RefusalReason, RewardsEngine
from loyalteez.services.rewards import admin_events as events
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, ALICE, BOB, CAROL, OTHER_SERVER, Messages, apply, connected
from tests.store.raw import tables

QUALITY = "This is a thoughtful message about the roadmap, " * 4  # > 100 characters, > 20 words


async def filed_count(data: ScopedData) -> int:
    return len(await tables(data).select("loyalteez_reward_ledger", {"filed": True}))


async def recorded(data: ScopedData) -> list[dict[str, Any]]:
    """Every ledger row as it records a payout (without the index bookkeeping)."""
    rows = await tables(data).select("loyalteez_reward_ledger", order_by=("id",))
    return [{k: v for k, v in row.items() if k != "filed"} for row in rows]


async def member_reads(data: ScopedData, now: datetime) -> list[Any]:
    """What members and the engine read of their own payouts."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    members = [ALICE, BOB, CAROL]
    reads: list[Any] = []
    for who in members:
        reads += [
            await data.ledger.history(who, 4, 0),
            await data.ledger.history(who, 4, 3),
            await data.ledger.history(who, 100, 0),
            await data.ledger.history_size(who),
            await data.standings.earned_since(who, now - timedelta(days=2)),
            await data.standings.claims_since(who, now - timedelta(days=2)),
            await data.standings.last_claims(who, is_test=False),
        ]
    kinds = ["gm_checkin", "gn_checkin", "quality_message"]
    reads.append(await data.ledger.tallies(members, kinds, day_start))
    reads.append(await data.ledger.tallies(members, kinds, day_start, since=now - timedelta(hours=30)))
    reads.append(await data.goals.first_today(members, day_start, {ALICE: 1, BOB: 2}))
    return reads


async def three_days_of_payouts(store: Store, data: ScopedData) -> None:
    """gm, gn and quality messages of three members, every few hours for three days."""
    engine, say = RewardsEngine(store), Messages(store)
    await events.toggle_event(data, ADMIN, "quality_message", True)
    for _ in range(3 * 8):
        await apply(engine, data, say("gm", ALICE), say("gn", BOB), say(QUALITY, CAROL), say(QUALITY, ALICE))
        store.clock.advance(hours=3)
    await apply(engine, data, say("gm", ALICE), say(QUALITY, BOB))  # just now: not filed yet


async def test_member_reads_are_the_same_before_and_after_filing(store: Store, clock: ManualClock) -> None:
    data = await connected(store)
    await three_days_of_payouts(store, data)
    before, rows = await member_reads(data, clock.now()), await recorded(data)
    assert before[3] > 10, "Alice has a history of several pages"

    filing = LedgerFiling(store, chunk=7)  # several chunks: the ledger holds about 75 rows
    filed = await filing.file_due(clock.now())

    if store.files_ledger:
        assert filed == await filed_count(data) and 0 < filed < len(rows)
    else:
        assert filed == 0 and await filed_count(data) == 0, "PostgreSQL never updates its ledger"
    assert await member_reads(data, clock.now()) == before
    assert await recorded(data) == rows, "a filed row records what it recorded"


async def test_caps_and_cooldowns_count_filed_payouts(store: Store, clock: ManualClock) -> None:
    """A payout filed minutes after it was made still stops a second gm that day, a quality message
    inside its cooldown, and a second welcome ever."""
    data = await connected(store)
    engine, say, filing = RewardsEngine(store), Messages(store), LedgerFiling(store)
    await events.toggle_event(data, ADMIN, "quality_message", True)
    clock.set(datetime(2026, 3, 2, 0, 5, tzinfo=UTC))
    [gm, quality] = await apply(engine, data, say("gm", ALICE), say(QUALITY, BOB))
    assert gm.paid and quality.paid
    assert (await engine.join(data.scope, ClaimRequest("i1", Member(CAROL), "welcome"))).amount > 0  # type: ignore[union-attr]

    clock.advance(minutes=20)
    filed = await filing.file_due(clock.now())
    assert filed == (3 if store.files_ledger else 0)

    [gm, quality] = await apply(engine, data, say("gm", ALICE), say(QUALITY, BOB))
    assert gm.results[0].reason == RefusalReason.DAILY_CAP  # type: ignore[union-attr]
    assert quality.results[0].reason == RefusalReason.COOLDOWN  # type: ignore[union-attr]
    again = await engine.join(data.scope, ClaimRequest("i2", Member(CAROL), "welcome"))
    assert getattr(again, "reason", None) == RefusalReason.USER_CAP

    clock.advance(minutes=45)
    [quality] = await apply(engine, data, say(QUALITY, BOB))
    assert quality.paid, "the cooldown ends an hour after the filed payout"


async def test_filing_takes_older_rows_in_chunks_and_moves_each_once(store: Store, clock: ManualClock) -> None:
    if not store.files_ledger:
        pytest.skip("PostgreSQL never files its ledger")
    here, there = await connected(store), await connected(store, server=OTHER_SERVER)
    engine, say = RewardsEngine(store), Messages(store)
    for _ in range(5):
        await apply(engine, here, say("gm", ALICE), say("gn", BOB))
        await apply(engine, there, say("gm", ALICE))
        clock.advance(days=1)
    await apply(engine, here, say("gm", ALICE), say("gn", BOB))  # new: stays unfiled
    clock.advance(seconds=FRESH_FOR.total_seconds() - 1)

    filing = LedgerFiling(store, chunk=3, chunks_per_run=2)
    assert await filing.file_due(clock.now()) == 6, "one run takes at most its budget of chunks"
    assert (await filed_count(here), await filed_count(there)) == (3, 3), "the servers take turns"
    assert await filing.file_due(clock.now()) == 6
    assert await filing.file_due(clock.now()) == 3
    assert await filing.file_due(clock.now()) == 0, "nothing is filed twice"
    assert (await filed_count(here), await filed_count(there)) == (10, 5)

    clock.advance(seconds=2)
    assert await filing.file_due(clock.now()) == 2, "rows are filed once older than FRESH_FOR"


async def test_the_running_bot_files_every_few_minutes(store: Store, clock: ManualClock) -> None:
    services = build_services(store, clock)
    services.ticker.start()
    data = await connected(store)
    await apply(services.rewards.engine, data, Messages(store)("gm", ALICE))
    await services.wait_idle()
    assert await filed_count(data) == 0, "a new payout stays in the small index"

    clock.advance(seconds=(FILE_EVERY + FRESH_FOR).total_seconds())
    await services.wait_idle()
    assert await filed_count(data) == (1 if store.files_ledger else 0)
    assert await data.ledger.history_size(ALICE) == 1
    await services.close()
