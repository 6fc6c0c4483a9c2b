"""Role bonuses and the streak hook, as a member's payout shows them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalteez.services.rewards import Paid, RefusalReason, RewardsEngine
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_server as server
from loyalteez.services.rewards.bonuses import RoleBonuses, round_half_up
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import (
    ADMIN,
    ALICE,
    BOOSTER,
    MOD,
    SUPPORTER,
    VIP,
    Messages,
    apply,
    connected,
    ledger,
)
from tests.store.raw import tables


class FixedStreak:
    """A streak source that gives everyone the same factor (the engagement work provides the real one)."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self.asked: list[tuple[str, str]] = []

    async def multiplier(self, data: object, member_id: str, event_type: str, at: object = None) -> float:
        self.asked.append((member_id, event_type))
        return self.factor


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
def msg(store: Store) -> Messages:
    return Messages(store)


async def test_worked_example_from_the_docs(store: Store, data: ScopedData, msg: Messages):
    """gn_checkin 15 LTZ; Booster ×1.5 (priority 10) beats VIP ×2.0 (priority 5): 22.5 → 23, +10 = 33, ×1.2 → 40."""
    await server.set_role_bonus(data, ADMIN, BOOSTER, "multiplier", 1.5, priority=10)
    await server.set_role_bonus(data, ADMIN, VIP, "multiplier", 2.0, priority=5)
    await server.set_role_bonus(data, ADMIN, SUPPORTER, "flat_bonus", 10)
    streaks = FixedStreak(1.2)
    engine = RewardsEngine(store, streaks=streaks)
    paid = (await apply(engine, data, msg("gn", roles=[VIP, BOOSTER, SUPPORTER])))[0].paid[0]
    assert paid.amount == 40
    b = paid.breakdown
    assert (b.base, b.multiplier, b.multiplier_role, b.flat_bonus, b.flat_bonus_role, b.streak_multiplier) == (
        15,
        1.5,
        BOOSTER,
        10,
        SUPPORTER,
        1.2,
    )
    assert streaks.asked == [(ALICE, "gn_checkin")]
    row = (await ledger(data))[0]
    assert row["amount"] == 40 and row["details"]["multiplier_role"] == BOOSTER
    assert (await tables(data).get("discord_user_stats", {"discord_user_id": ALICE}))["ltz_earned"] == 40


async def test_halves_round_up_not_to_even(store: Store, data: ScopedData, msg: Messages):
    await server.set_role_bonus(data, ADMIN, BOOSTER, "multiplier", 1.5)
    paid = (await apply(RewardsEngine(store), data, msg("gn", roles=[BOOSTER])))[0].paid[0]
    assert paid.amount == 23, "15 × 1.5 = 22.5 pays 23 (Python's round() would pay 22)"
    assert round(22.5) == 22  # the trap the engine avoids


@pytest.mark.parametrize(
    ("a", "b", "winner"),
    [
        ((1.5, 10), (2.0, 5), Decimal("1.5")),  # higher priority wins over a larger value
        ((1.5, 5), (2.0, 5), Decimal("2.0")),  # equal priority: the larger value
        ((3.0, 0), (2.5, 0), Decimal("3.0")),
    ],
)
def test_the_highest_priority_role_wins_ties_go_to_the_larger_value(a, b, winner):
    rows = [
        {"discord_role_id": BOOSTER, "effect_type": "multiplier", "effect_value": a[0], "priority": a[1]},
        {"discord_role_id": VIP, "effect_type": "multiplier", "effect_value": b[0], "priority": b[1]},
    ]
    bonuses = RoleBonuses(rows)
    assert bonuses.for_roles((BOOSTER, VIP)).multiplier == winner
    assert bonuses.for_roles((VIP, BOOSTER)).multiplier == winner, "role order doesn't matter"
    assert bonuses.for_roles(()).multiplier == 1


async def test_effects_of_different_types_stack(store: Store, data: ScopedData, msg: Messages):
    await server.set_role_bonus(data, ADMIN, VIP, "multiplier", 2.0)
    await server.set_role_bonus(data, ADMIN, SUPPORTER, "flat_bonus", 5)
    paid = (await apply(RewardsEngine(store), data, msg("gm", roles=[VIP, SUPPORTER])))[0].paid[0]
    assert paid.amount == 25 * 2 + 5


async def test_cooldown_reduction_shortens_the_wait(store: Store, data: ScopedData, msg: Messages):
    await events.toggle_event(data, ADMIN, "quality_message", True)
    await server.set_role_bonus(data, ADMIN, MOD, "cooldown_reduction", 50)
    engine = RewardsEngine(store)
    start = store.clock.now()
    text = "A long and thoughtful message with plenty of words to count as quality content here. " * 2
    assert len((await apply(engine, data, msg(text, roles=[MOD]), msg(text, author=VIP)))[0].paid) == 1
    store.clock.advance(minutes=30)
    mod, regular = await apply(engine, data, msg(text, roles=[MOD]), msg(text, author=VIP))
    assert len(mod.paid) == 1, "50 % off a 1 h cooldown: 30 minutes"
    assert not regular.paid
    store.clock.advance(minutes=29)
    refused = (await apply(engine, data, msg(text, roles=[MOD])))[0].results[0]
    assert refused.reason is RefusalReason.COOLDOWN
    assert refused.retry_at == start + timedelta(hours=1)


async def test_manual_amounts_are_paid_exactly(store: Store, data: ScopedData):
    from loyalteez.services.rewards import ManualReward, Member

    await server.set_role_bonus(data, ADMIN, VIP, "multiplier", 2.0)
    await events.create_event(data, ADMIN, "bounty", events.EventOptions(reward=100))
    engine = RewardsEngine(store, streaks=FixedStreak(1.5))
    exact = await engine.reward(data.scope, ManualReward("1", ADMIN, Member(ALICE, (VIP,)), "bounty", 70))
    default = await engine.reward(data.scope, ManualReward("2", ADMIN, Member(ALICE, (VIP,)), "bounty"))
    assert isinstance(exact, Paid) and exact.amount == 70
    assert isinstance(default, Paid) and default.amount == 300, "the event's amount gets bonuses: 100 × 2 × 1.5"


def test_round_half_up():
    assert [round_half_up(Decimal(x)) for x in ("0.5", "1.5", "2.5", "2.4999", "39.6")] == [1, 2, 3, 2, 40]
