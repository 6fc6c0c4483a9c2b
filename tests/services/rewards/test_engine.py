"""The engine as members meet it: what pays, what is refused (in which order, saying what), what counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import (
    BoostEvent,
    ClaimRequest,
    ManualReward,
    Paid,
    ReactionEvent,
    RefusalReason,
    Refused,
    RewardsEngine,
    VoiceSession,
)
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_members as members
from loyalteez.services.rewards import admin_server as server
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import (
    ADMIN,
    ALICE,
    BOB,
    BRAND,
    CAROL,
    GENERAL,
    OTHER_SERVER,
    RANDOM,
    TESTER,
    THREAD,
    Messages,
    apply,
    connected,
    ledger,
    member,
    snapshot,
    stats,
)
from tests.store.raw import tables


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return await connected(store)


@pytest.fixture
def engine(store: Store) -> RewardsEngine:
    return RewardsEngine(store)


@pytest.fixture
def msg(store: Store) -> Messages:
    return Messages(store)


def claim(event: str, who: str = BOB, channel: str | None = GENERAL, interaction: str = "1", **flags) -> ClaimRequest:
    return ClaimRequest(interaction, member(who, **flags), event, channel)


# -- the refusal ladder ---------------------------------------------------------------------------------------


async def test_every_refusal_reason_in_the_issue_order(store: Store, data: ScopedData, engine: RewardsEngine):
    """Start with every reason true at once, lift them one by one: each time the next reason is named."""
    await events.create_event(
        data,
        ADMIN,
        "contest",
        events.EventOptions(
            reward=100, cooldown_hours=1, max_claims_per_user=1, max_total_claims=1, max_per_day=1, channels=[GENERAL]
        ),
    )
    first = await engine.claim(data.scope, claim("contest", interaction="10"))
    assert isinstance(first, Paid) and first.amount == 100

    await store.update_brand(BRAND, {"ltz_budget": 150})  # 100 spent: another 100 would exceed it
    engine.cache.invalidate()  # the operator CLI changed the brand out of band
    await server.enable_test_mode(data, ADMIN)
    await events.toggle_event(data, ADMIN, "contest", False)
    await members.disable_member(data, ADMIN, BOB, "spam")
    await server.exclude_channel(data, ADMIN, GENERAL)

    async def reason(channel: str = GENERAL) -> RefusalReason:
        result = await engine.claim(data.scope, claim("contest", channel=channel, interaction=str(reason.n)))
        reason.n += 1
        assert isinstance(result, Refused), result
        assert result.message, "every refusal says why"
        return result.reason

    reason.n = 100  # type: ignore[attr-defined]

    assert await reason() is RefusalReason.EVENT_DISABLED
    await events.toggle_event(data, ADMIN, "contest", True)
    assert await reason() is RefusalReason.MEMBER_DISABLED
    await members.enable_member(data, ADMIN, BOB)
    assert await reason() is RefusalReason.CHANNEL_EXCLUDED
    await server.include_channel(data, ADMIN, GENERAL)
    assert await reason(RANDOM) is RefusalReason.CHANNEL_NOT_ALLOWED
    # In test mode only test payouts count against limits: none yet, so test mode itself is the reason.
    assert await reason() is RefusalReason.TEST_MODE
    await server.disable_test_mode(data, ADMIN)
    # "Never again" caps come before the cooldown, whose "again at <time>" would not come true.
    assert await reason() is RefusalReason.USER_CAP
    await events.edit_event(data, ADMIN, "contest", events.EventOptions(max_claims_per_user=-1))
    assert await reason() is RefusalReason.TOTAL_CAP
    await events.edit_event(data, ADMIN, "contest", events.EventOptions(max_total_claims=-1))
    assert await reason() is RefusalReason.COOLDOWN
    store.clock.advance(hours=1, seconds=1)
    assert await reason() is RefusalReason.DAILY_CAP
    await events.edit_event(data, ADMIN, "contest", events.EventOptions(max_per_day=-1))
    assert await reason() is RefusalReason.BUDGET
    await store.update_brand(BRAND, {"ltz_budget": 200})
    engine.cache.invalidate()
    paid = await engine.claim(data.scope, claim("contest", interaction="999"))
    assert isinstance(paid, Paid) and paid.amount == 100
    assert [r["amount"] for r in await ledger(data)] == [100, 100], "no refusal wrote a ledger row"


async def test_cooldown_refusal_says_when_it_ends(store: Store, data: ScopedData, engine: RewardsEngine):
    await events.create_event(data, ADMIN, "daily_quiz", events.EventOptions(reward=40, cooldown_hours=6))
    await engine.claim(data.scope, claim("daily_quiz", interaction="1"))
    store.clock.advance(hours=2)
    refused = await engine.claim(data.scope, claim("daily_quiz", interaction="2"))
    ready = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    assert isinstance(refused, Refused) and refused.reason is RefusalReason.COOLDOWN
    assert refused.retry_at == ready and f"<t:{int(ready.timestamp())}:R>" in refused.message
    store.clock.set(ready)
    assert isinstance(await engine.claim(data.scope, claim("daily_quiz", interaction="3")), Paid)


async def test_unknown_event_suggests_close_names(data: ScopedData, engine: RewardsEngine):
    await events.create_event(data, ADMIN, "daily_quiz", events.EventOptions(reward=40))
    result = await engine.claim(data.scope, claim("daily_quizz"))
    assert isinstance(result, Refused) and result.reason is RefusalReason.UNKNOWN_EVENT
    assert "`daily_quiz`" in result.message
    joined = await engine.claim(data.scope, claim("welcom"))
    assert "`welcome`" not in joined.message, "/claim suggests only what /claim can pay"


async def test_passive_events_cannot_be_claimed(data: ScopedData, engine: RewardsEngine):
    result = await engine.claim(data.scope, claim("gm_checkin"))
    assert isinstance(result, Refused) and result.reason is RefusalReason.NOT_CLAIMABLE
    welcome = await engine.claim(data.scope, claim("welcome"))
    assert isinstance(welcome, Refused) and "/join" in welcome.message


async def test_welcome_once_via_join(data: ScopedData, engine: RewardsEngine):
    first = await engine.join(data.scope, claim("welcome", interaction="1"))
    again = await engine.join(data.scope, claim("welcome", interaction="2"))
    assert isinstance(first, Paid) and first.amount == 50
    assert isinstance(again, Refused) and again.reason is RefusalReason.USER_CAP
    assert (await stats(data, BOB))["ltz_earned"] == 50


# -- idempotency and counting ---------------------------------------------------------------------------------


async def test_same_message_twice_pays_once_and_counts_once(data: ScopedData, engine: RewardsEngine, msg):
    gm = msg("gm fam")
    first, repeat = await apply(engine, data, gm, gm)
    later = (await apply(engine, data, gm))[0]
    assert first.counted and len(first.paid) == 1
    assert not repeat.counted and not repeat.results
    assert not later.counted and not later.results
    assert await stats(data, ALICE) == {"messages_count": 1, "reactions_count": 0, "voice_minutes": 0, "ltz_earned": 25}
    assert len(await ledger(data)) == 1


async def test_replayed_interaction_pays_once(data: ScopedData, engine: RewardsEngine):
    await events.create_event(data, ADMIN, "bug_report", events.EventOptions(reward=30))
    first = await engine.claim(data.scope, claim("bug_report", interaction="77"))
    replay = await engine.claim(data.scope, claim("bug_report", interaction="77"))
    assert isinstance(first, Paid)
    assert isinstance(replay, Refused) and replay.reason is RefusalReason.DUPLICATE
    assert [r["idempotency_key"] for r in await ledger(data)] == ["77:bug_report"]


async def test_refused_messages_still_count_as_activity(data: ScopedData, engine: RewardsEngine, msg):
    outcomes = await apply(engine, data, msg("gm"), msg("good morning!"), msg("anyone around?"))
    assert [len(o.paid) for o in outcomes] == [1, 0, 0]
    assert outcomes[1].results[0].reason is RefusalReason.DAILY_CAP
    assert await stats(data, ALICE) == {"messages_count": 3, "reactions_count": 0, "voice_minutes": 0, "ltz_earned": 25}


@pytest.mark.parametrize("flag", ["is_bot", "is_webhook", "is_system", "is_edit"])
async def test_bots_webhooks_system_messages_and_edits_never_earn_or_count(data, engine, msg, flag):
    outcome = (await apply(engine, data, msg("gm", **{flag: True})))[0]
    assert not outcome.counted and not outcome.results
    assert await stats(data, ALICE) == {"messages_count": 0, "reactions_count": 0, "voice_minutes": 0, "ltz_earned": 0}
    assert await ledger(data) == []


async def test_bots_cannot_claim(data: ScopedData, engine: RewardsEngine):
    result = await engine.join(data.scope, claim("welcome", is_bot=True))
    assert isinstance(result, Refused) and result.reason is RefusalReason.BOT


async def test_excluded_channels_and_their_threads_neither_earn_nor_count(data, engine, msg):
    await server.exclude_channel(data, ADMIN, GENERAL)
    outcomes = await apply(engine, data, msg("gm"), msg("gm", parent_channel_id=GENERAL, channel=THREAD))
    assert [o.counted for o in outcomes] == [False, False]
    counted = (await apply(engine, data, msg("gm", channel=RANDOM)))[0]
    assert counted.counted and len(counted.paid) == 1


# -- per-day caps and the clock -------------------------------------------------------------------------------


async def test_gm_once_per_utc_day_across_midnight(store: Store, data: ScopedData, engine: RewardsEngine, msg):
    store.clock.set(datetime(2026, 3, 2, 23, 59, 0, tzinfo=UTC))
    assert len((await apply(engine, data, msg("gm")))[0].paid) == 1
    store.clock.advance(seconds=30)
    late = (await apply(engine, data, msg("GM everyone")))[0].results[0]
    assert late.reason is RefusalReason.DAILY_CAP and late.retry_at == datetime(2026, 3, 3, tzinfo=UTC)
    store.clock.advance(seconds=31)  # 00:00:01 the next day
    assert len((await apply(engine, data, msg("gm frens")))[0].paid) == 1
    assert (await stats(data, ALICE))["ltz_earned"] == 50


async def test_gm_and_gn_are_separate_events(data: ScopedData, engine: RewardsEngine, msg):
    outcomes = await apply(engine, data, msg("gm"), msg("gn fam"), msg("gn"))
    assert [[p.event for p in o.paid] for o in outcomes] == [["gm_checkin"], ["gn_checkin"], []]


async def test_quality_messages_cooldown_and_five_a_day(store: Store, data: ScopedData, engine: RewardsEngine, msg):
    await events.toggle_event(data, ADMIN, "quality_message", True)
    text = "This is a thoughtful message about the roadmap, " * 4  # > 100 characters, > 20 words
    store.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    paid = []
    for _ in range(8):
        first, second = await apply(engine, data, msg(text), msg(text))
        assert second.results[0].reason in (RefusalReason.COOLDOWN, RefusalReason.DAILY_CAP)
        paid += first.paid
        store.clock.advance(hours=1)
    assert len(paid) == 5 and all(p.amount == 10 for p in paid)
    store.clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    assert len((await apply(engine, data, msg(text)))[0].paid) == 1


# -- test mode and budget -------------------------------------------------------------------------------------


async def test_test_mode_pays_only_testers_and_admins_marked_as_test(store, data, engine, msg):
    await server.enable_test_mode(data, ADMIN, TESTER)
    outcomes = await apply(
        engine, data, msg("gm", ALICE), msg("gm", BOB, roles=[TESTER]), msg("gm", CAROL, is_admin=True)
    )
    assert outcomes[0].results[0].reason is RefusalReason.TEST_MODE
    assert [p.is_test for o in outcomes[1:] for p in o.paid] == [True, True]
    assert all(r["is_test"] for r in await ledger(data))
    # Test payouts are on record but not credited: balances and the budget are untouched.
    assert (await stats(data, BOB))["ltz_earned"] == 0
    assert (await stats(data, BOB))["messages_count"] == 1
    await server.disable_test_mode(data, ADMIN)
    assert len((await apply(engine, data, msg("gm", ALICE)))[0].paid) == 1


async def test_brand_budget_is_shared_by_the_brands_servers(store: Store, data: ScopedData, msg):
    other = await connected(store, BRAND, OTHER_SERVER)
    await store.update_brand(BRAND, {"ltz_budget": 60})
    engine = RewardsEngine(store)
    assert len((await apply(engine, data, msg("gm", ALICE)))[0].paid) == 1  # 25
    assert len((await apply(engine, other, msg("gm", BOB)))[0].paid) == 1  # 50
    refused = (await apply(engine, data, msg("gm", CAROL)))[0].results[0]
    assert refused.reason is RefusalReason.BUDGET
    assert len((await apply(engine, other, msg("gn", CAROL)))[0].paid) == 0, "15 more would make 65 > 60"
    assert (await stats(data, CAROL))["ltz_earned"] == 0


# -- reactions, voice, boosts ---------------------------------------------------------------------------------


async def test_popular_message_pays_the_author_once_at_the_threshold(data: ScopedData, engine: RewardsEngine):
    await events.toggle_event(data, ADMIN, "popular_message", True)

    def reaction(reactor: str, count: int, emoji: str = "🔥") -> ReactionEvent:
        return ReactionEvent("960000000000000001", GENERAL, reactor, emoji, member(ALICE), count)

    below, at, above = await apply(engine, data, reaction(BOB, 4), reaction(CAROL, 5), reaction(ADMIN, 6))
    assert not below.paid and [p.member_id for p in at.paid] == [ALICE] and not above.paid
    again = (await apply(engine, data, reaction(CAROL, 6)))[0]
    assert not again.counted, "the same reaction delivered twice counts once"
    assert (await stats(data, CAROL))["reactions_count"] == 1
    assert (await stats(data, ALICE))["ltz_earned"] == 25


async def test_voice_sessions_count_their_minutes_once_and_earn_nothing_by_themselves(
    data: ScopedData, engine: RewardsEngine
):
    """voice_activity pays per counted minutes through /voice claim (services/voice/service.py), not per session."""
    short, long, repeat = await apply(
        engine,
        data,
        VoiceSession("s1", member(ALICE), GENERAL, 10),
        VoiceSession("s2", member(ALICE), GENERAL, 45),
        VoiceSession("s2", member(ALICE), GENERAL, 45),
    )
    assert not short.paid and not long.paid and not repeat.counted
    assert await stats(data, ALICE) == {"messages_count": 0, "reactions_count": 0, "voice_minutes": 55, "ltz_earned": 0}


async def test_boost_pays_once_per_boost(data: ScopedData, engine: RewardsEngine):
    boost = BoostEvent("970000000000000001", member(ALICE))
    first, again = await apply(engine, data, boost, boost)
    assert [p.amount for p in first.paid] == [500]
    assert not again.counted and not again.paid, "a redelivered boost notice is not decided again"


# -- manual rewards -------------------------------------------------------------------------------------------


async def test_manual_reward_goes_through_the_ledger_with_an_audit_row(data: ScopedData, engine: RewardsEngine):
    await events.create_event(data, ADMIN, "contest_winner", events.EventOptions(reward=200, max_total_claims=1))
    paid = await engine.reward(data.scope, ManualReward("5", ADMIN, member(BOB), "contest_winner", 300, "1st"))
    assert isinstance(paid, Paid) and paid.amount == 300 and paid.breakdown.manual
    row = (await ledger(data, BOB))[0]
    assert row["details"]["reason"] == "1st" and row["details"]["admin_id"] == ADMIN
    audit = await tables(data).select("discord_audit_log", {"action": "rewards.manual_reward"})
    assert [(a["actor_type"], a["actor_id"], a["target_user_id"]) for a in audit] == [("admin", ADMIN, BOB)]
    second = await engine.reward(data.scope, ManualReward("6", ADMIN, member(CAROL), "contest_winner"))
    assert isinstance(second, Refused) and second.reason is RefusalReason.TOTAL_CAP


@pytest.mark.parametrize(
    ("amount", "reason", "field"), [(0, None, "amount"), (10_001, None, "amount"), (5, "x" * 501, "reason")]
)
async def test_manual_reward_bad_input_changes_nothing(store, data, engine, amount, reason, field):
    before = await snapshot(store)
    with pytest.raises(ValidationError) as error:
        await engine.reward(data.scope, ManualReward("5", ADMIN, member(BOB), "welcome", amount, reason))
    assert error.value.field == field
    assert await snapshot(store) == before


async def test_other_servers_rules_and_ledger_are_invisible(store: Store, data: ScopedData, msg):
    other = await connected(store, "brand_b", "2001")
    await events.toggle_event(other, ADMIN, "gm_checkin", False)
    engine = RewardsEngine(store)
    assert len((await apply(engine, data, msg("gm")))[0].paid) == 1
    assert (await apply(engine, other, msg("gm")))[0].paid == ()
    assert await ledger(other) == []


async def test_clock_not_wall_time_decides(tmp_path):
    """Payouts are stamped with the injected clock (a 1999 clock gives 1999 ledger rows)."""
    clock = ManualClock(datetime(1999, 12, 31, 23, 0, tzinfo=UTC))
    store = await Store.open(str(tmp_path / "t.db"), clock)
    try:
        data = await connected(store)
        await apply(RewardsEngine(store), data, Messages(store)("gm"))
        assert (await ledger(data))[0]["created_at"] == datetime(1999, 12, 31, 23, 0, tzinfo=UTC)
    finally:
        await store.close()


async def test_concurrent_claims_cannot_exceed_a_total_cap(store: Store, data: ScopedData):
    """Claims racing on separate connections (PostgreSQL) are serialised per server: one winner."""
    await events.create_event(data, ADMIN, "first_come", events.EventOptions(reward=10, max_total_claims=1))
    engine = RewardsEngine(store)
    racers = [f"80000000000000{n:04d}" for n in range(6)]
    results = await asyncio.gather(
        *(engine.claim(data.scope, claim("first_come", who, interaction=str(n))) for n, who in enumerate(racers))
    )
    assert sum(isinstance(r, Paid) for r in results) == 1
    assert {r.reason for r in results if isinstance(r, Refused)} == {RefusalReason.TOTAL_CAP}
    assert len(await ledger(data)) == 1


async def test_pruning_forgets_only_past_days_of_seen_activity(store: Store, data: ScopedData, engine, msg):
    old = msg("gm")
    await apply(engine, data, old)
    store.clock.advance(days=1)
    recent = msg("hello")
    await apply(engine, data, recent)
    assert await engine.prune_seen(data.scope, store.clock.now().date()) == 1
    again = await apply(engine, data, recent)
    assert not again[0].counted, "today's keys are kept, so a redelivery today still counts once"
    assert len(await ledger(data)) == 1
