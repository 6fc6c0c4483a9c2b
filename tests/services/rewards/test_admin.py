"""`/config` operations: every bad input is refused with a sentence and changes nothing; good ones are audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from loyalteez.services.access.permissions import Caller, Level, PermissionDenied
from loyalteez.services.errors import UnknownEventError, ValidationError
from loyalteez.services.rewards import RewardsEngine, install_default_rules
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_members as members
from loyalteez.services.rewards import admin_server as server
from loyalteez.services.rewards.admin import EventInput, RewardsAdmin
from loyalteez.services.rewards.defaults import DEFAULT_RULES
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import (
    ADMIN,
    ALICE,
    BOB,
    BOOSTER,
    BRAND,
    GENERAL,
    OTHER_SERVER,
    RANDOM,
    SERVER,
    VIP,
    Messages,
    apply,
    connected,
    snapshot,
)
from tests.store.raw import tables

E = events.EventOptions


@pytest.fixture
async def data(store: Store) -> ScopedData:
    data = await connected(store)
    await events.create_event(data, ADMIN, "daily_quiz", E(reward=50, trigger="keyword", keywords=["quiz"]))
    await members.disable_member(data, ADMIN, BOB, "alt account")
    await server.set_role_bonus(data, ADMIN, BOOSTER, "multiplier", 1.5)
    return data


Op = Callable[[ScopedData], Awaitable[object]]
BAD: list[tuple[str, Op, str, str]] = [
    # (id, operation, field named, text the message must contain)
    ("reward 0", lambda d: events.create_event(d, ADMIN, "new_event", E(reward=0)), "reward", "1 to 10,000"),
    ("reward 10001", lambda d: events.set_reward_amount(d, ADMIN, "daily_quiz", 10_001), "reward", "10,000"),
    ("reward missing", lambda d: events.create_event(d, ADMIN, "new_event", E()), "reward", "1 to 10,000"),
    ("reward text", lambda d: events.create_event(d, ADMIN, "new_event", E(reward="5")), "reward", "1 to"),
    ("name spaces", lambda d: events.create_event(d, ADMIN, "Daily Quiz", E(reward=5)), "name", "lowercase"),
    ("name short", lambda d: events.create_event(d, ADMIN, "x", E(reward=5)), "name", "2–32"),
    ("name taken", lambda d: events.create_event(d, ADMIN, "gm_checkin", E(reward=5)), "name", "already"),
    ("cooldown -2", lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(cooldown_hours=-2)), "cooldown", "8,760"),
    (
        "cooldown 8761",
        lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(cooldown_hours=8761)),
        "cooldown",
        "-1 or 0",
    ),
    (
        "per member 0",
        lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(max_claims_per_user=0)),
        "max_claims_per_user",
        "-1 for unlimited",
    ),
    (
        "total -5",
        lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(max_total_claims=-5)),
        "max_total_claims",
        "-1 for unlimited",
    ),
    ("per day 0", lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(max_per_day=0)), "max_per_day", "1,000"),
    (
        "trigger",
        lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(trigger="telepathy")),
        "trigger",
        "keyword, min_length, reaction_count, none",
    ),
    (
        "21 keywords",
        lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(keywords=[f"k{i}" for i in range(21)])),
        "keywords",
        "1 to 20",
    ),
    ("long keyword", lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(keywords=["x" * 51])), "keywords", "50"),
    (
        "no keywords",
        lambda d: events.create_event(d, ADMIN, "kw_event", E(reward=5, trigger="keyword")),
        "keywords",
        "needs keywords",
    ),
    (
        "keywords on none",
        lambda d: events.create_event(d, ADMIN, "kw_event", E(reward=5, keywords=["hi"])),
        "keywords",
        "doesn't apply",
    ),
    (
        "min length 9",
        lambda d: events.create_event(d, ADMIN, "essay", E(reward=5, trigger="min_length", min_length=9)),
        "min_length",
        "10 to 2,000",
    ),
    (
        "min length 2001",
        lambda d: events.edit_event(d, ADMIN, "quality_message", E(min_length=2001)),
        "min_length",
        "2,000",
    ),
    (
        "min length missing",
        lambda d: events.create_event(d, ADMIN, "essay", E(reward=5, trigger="min_length")),
        "min_length",
        "needs min_length",
    ),
    (
        "reactions 4",
        lambda d: events.edit_event(d, ADMIN, "popular_message", E(min_reactions=4)),
        "min_reactions",
        "3, 5, 7, 10, 15, 20, 25",
    ),
    (
        "channels",
        lambda d: events.edit_event(d, ADMIN, "daily_quiz", E(channels=["general"])),
        "channels",
        "Discord id",
    ),
    ("builtin trigger", lambda d: events.edit_event(d, ADMIN, "gm_checkin", E(trigger="none")), "trigger", "built-in"),
    ("builtin delete", lambda d: events.delete_event(d, ADMIN, "welcome"), "event", "disable it"),
    ("nothing to change", lambda d: events.edit_event(d, ADMIN, "daily_quiz", E()), "options", "at least one"),
    ("unknown edit", lambda d: events.edit_event(d, ADMIN, "daily_qiz", E(reward=5)), "event", "`daily_quiz`"),
    ("unknown toggle", lambda d: events.toggle_event(d, ADMIN, "gm_chekin"), "event", "`gm_checkin`"),
    ("unknown delete", lambda d: events.delete_event(d, ADMIN, "nope"), "event", "no event called"),
    ("multiplier 0.5", lambda d: server.set_role_bonus(d, ADMIN, BOOSTER, "multiplier", 0.5), "value", "1.0 to 5.0"),
    ("multiplier 5.1", lambda d: server.set_role_bonus(d, ADMIN, BOOSTER, "multiplier", 5.1), "value", "5.0"),
    ("flat 1001", lambda d: server.set_role_bonus(d, ADMIN, BOOSTER, "flat_bonus", 1001), "value", "0 to 1,000"),
    ("flat 2.5", lambda d: server.set_role_bonus(d, ADMIN, BOOSTER, "flat_bonus", 2.5), "value", "whole numbers"),
    ("reduction 91", lambda d: server.set_role_bonus(d, ADMIN, BOOSTER, "cooldown_reduction", 91), "value", "0 to 90"),
    ("priority 101", lambda d: server.set_role_bonus(d, ADMIN, BOOSTER, "flat_bonus", 5, 101), "priority", "0 to 100"),
    ("effect", lambda d: server.set_role_bonus(d, ADMIN, BOOSTER, "teleport", 2), "effect", "multiplier"),
    ("role id", lambda d: server.set_role_bonus(d, ADMIN, "@booster", "multiplier", 2), "role", "Discord id"),
    ("remove missing", lambda d: server.remove_role_bonus(d, ADMIN, BOOSTER, "flat_bonus"), "role", "no flat_bonus"),
    ("include not excluded", lambda d: server.include_channel(d, ADMIN, GENERAL), "channel", "not excluded"),
    ("exclude bad id", lambda d: server.exclude_channel(d, ADMIN, "#general"), "channel", "Discord id"),
    ("tester role", lambda d: server.enable_test_mode(d, ADMIN, "testers"), "tester_role", "Discord id"),
    ("reason 501", lambda d: members.disable_member(d, ADMIN, ALICE, "x" * 501), "reason", "500"),
    ("enable not disabled", lambda d: members.enable_member(d, ADMIN, ALICE), "member", "not disabled"),
    ("member id", lambda d: members.disable_member(d, ADMIN, "alice"), "member", "Discord id"),
]


@pytest.mark.parametrize(("op", "field", "text"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
async def test_bad_input_is_refused_and_changes_nothing(store: Store, data: ScopedData, op: Op, field, text):
    before = await snapshot(store)
    with pytest.raises(ValidationError) as error:
        await op(data)
    assert error.value.field == field
    assert text in error.value.message, error.value.message
    assert await snapshot(store) == before


async def test_unknown_event_error_carries_suggestions(data: ScopedData):
    with pytest.raises(UnknownEventError) as error:
        await events.get_event(data, "gm_chekin")
    assert error.value.suggestions[0] == "gm_checkin"


async def test_create_edit_toggle_delete_are_audited_with_before_and_after(store: Store, data: ScopedData):
    created = await events.create_event(
        data,
        ADMIN,
        "bug_hunt",
        E(reward=75, cooldown_hours=-1, channels=[GENERAL], max_total_claims=10, description="Find bugs"),
    )
    assert (created.reward_amount, created.cooldown_hours, created.channels, created.max_total_claims) == (
        75,
        0,
        frozenset({GENERAL}),
        10,
    )
    edited = await events.edit_event(data, ADMIN, "bug_hunt", E(max_total_claims=-1, cooldown_hours=24))
    assert edited.max_total_claims is None and edited.cooldown_hours == 24
    toggled = await events.toggle_event(data, ADMIN, "bug_hunt")
    assert not toggled.is_enabled
    await events.delete_event(data, ADMIN, "bug_hunt")
    assert "bug_hunt" not in {r.event_type for r in await events.list_events(data)}

    rows = [
        r
        for r in await tables(data).select("discord_audit_log", {"action": ("LIKE", "rewards.event%")})
        if r["details"]["event"] == "bug_hunt"
    ]
    by_action = {r["action"]: r for r in rows}
    assert sorted(by_action) == [
        "rewards.event_created",
        "rewards.event_deleted",
        "rewards.event_edited",
        "rewards.event_toggled",
    ]
    assert all(r["actor_type"] == "admin" and r["actor_id"] == ADMIN for r in rows)
    created_row, edited_row = by_action["rewards.event_created"], by_action["rewards.event_edited"]
    assert created_row["before_state"] is None and created_row["after_state"]["reward_amount"] == 75
    assert edited_row["before_state"]["cooldown_hours"] == 0 and edited_row["after_state"]["cooldown_hours"] == 24
    assert by_action["rewards.event_toggled"]["after_state"]["is_enabled"] is False
    assert by_action["rewards.event_deleted"]["after_state"] is None


async def test_changing_the_trigger_drops_the_old_triggers_settings(data: ScopedData):
    rule = await events.edit_event(data, ADMIN, "daily_quiz", E(trigger="reaction_count", min_reactions=7))
    assert rule.trigger == "reaction_count" and rule.min_reactions == 7 and rule.keywords == ()


async def test_a_servers_edit_of_a_brand_wide_event_stays_on_that_server(store: Store, data: ScopedData):
    other = await connected(store, BRAND, OTHER_SERVER)
    await store.db.execute(
        "INSERT INTO monitoring_rules (id, brand_id, event_type, reward_amount, is_enabled, rule_metadata, "
        "created_at, updated_at) VALUES (?, ?, 'brand_quest', 20, ?, ?, ?, ?)",
        [
            "00000000-0000-4000-8000-000000000001",
            BRAND,
            True,
            {"trigger": "none"},
            store.clock.now(),
            store.clock.now(),
        ],
    )
    assert (await events.get_event(other, "brand_quest")).reward_amount == 20
    edited = await events.set_reward_amount(data, ADMIN, "brand_quest", 80)
    assert edited.reward_amount == 80 and edited.server_id == data.scope.server_id
    assert (await events.get_event(other, "brand_quest")).reward_amount == 20, "the brand's other server"
    with pytest.raises(ValidationError, match="whole brand"):
        await events.delete_event(other, ADMIN, "brand_quest")
    await events.delete_event(data, ADMIN, "brand_quest")  # drops the override: the brand rule applies again
    assert (await events.get_event(data, "brand_quest")).reward_amount == 20


async def test_config_changes_reach_the_next_message_without_reloading_otherwise(store: Store, data: ScopedData):
    engine, msg = RewardsEngine(store), Messages(store)
    assert len((await apply(engine, data, msg("gm", ALICE)))[0].paid) == 1
    assert len((await apply(engine, data, msg("gn", ALICE)))[0].paid) == 1
    assert engine.cache.loads == 1, "unchanged config is not read again"
    await events.toggle_event(data, ADMIN, "gm_checkin", False)
    assert (await apply(engine, data, msg("gm", BOOSTER)))[0].paid == ()
    assert engine.cache.loads == 2


async def test_role_bonuses_set_replace_list_remove(data: ScopedData):
    await server.set_role_bonus(data, ADMIN, BOOSTER, "multiplier", 2.5, priority=3)
    await server.set_role_bonus(data, ADMIN, BOOSTER, "flat_bonus", 100)
    listed = await server.list_role_bonuses(data)
    assert [(b.effect_type, b.value, b.priority) for b in listed] == [
        ("flat_bonus", Decimal(100), 0),
        ("multiplier", Decimal("2.5"), 3),
    ]
    assert await server.remove_role_bonus(data, ADMIN, BOOSTER) == 2
    assert await server.list_role_bonuses(data) == []
    audit = await tables(data).select("discord_audit_log", {"action": ("LIKE", "rewards.role_bonus%")})
    assert len(audit) == 4  # fixture's set, two sets, one remove


async def test_channels_exclude_include_list(data: ScopedData):
    assert await server.exclude_channel(data, ADMIN, GENERAL) == [GENERAL]
    assert await server.exclude_channel(data, ADMIN, GENERAL) == [GENERAL], "excluding twice is harmless"
    assert await server.list_excluded_channels(data) == [GENERAL]
    assert await server.include_channel(data, ADMIN, GENERAL) == []
    metadata = (await data.server.config()).config_metadata
    assert metadata["excluded_channels"] == []


async def test_channel_exclusion_keeps_other_config_metadata(data: ScopedData):
    await tables(data).update("discord_server_configs", {}, {"config_metadata": {"welcome_channel": "123"}})
    await server.exclude_channel(data, ADMIN, GENERAL)
    assert (await data.server.config()).config_metadata == {"welcome_channel": "123", "excluded_channels": [GENERAL]}


async def test_test_mode_enable_status_disable(data: ScopedData):
    mode = await server.enable_test_mode(data, ADMIN, BOOSTER)
    assert (mode.enabled, mode.tester_role_id) == (True, BOOSTER)
    assert await server.get_test_mode(data) == mode
    assert not (await server.disable_test_mode(data, ADMIN)).enabled
    actions = [
        r["action"] for r in await tables(data).select("discord_audit_log", {"action": ("LIKE", "rewards.test%")})
    ]
    assert sorted(actions) == ["rewards.test_mode_disabled", "rewards.test_mode_enabled"]


async def test_disable_status_list_enable_members(data: ScopedData):
    status = await members.member_status(data, BOB)
    assert status.disabled is not None and status.disabled.reason == "alt account"
    assert [m.member_id for m in await members.list_disabled(data)] == [BOB]
    again = await members.disable_member(data, ADMIN, BOB, "still an alt")
    assert again.reason == "still an alt"
    await members.enable_member(data, ADMIN, BOB)
    assert (await members.member_status(data, BOB)).disabled is None
    assert await members.list_disabled(data) == []
    audit = await tables(data).select("discord_audit_log", {"target_user_id": BOB})
    assert {a["action"] for a in audit} == {"rewards.member_disabled", "rewards.member_enabled"}


async def test_default_events_install_once_and_keep_admin_edits(store: Store, data: ScopedData):
    await events.set_reward_amount(data, ADMIN, "gm_checkin", 40)
    await events.delete_event(data, ADMIN, "daily_quiz")
    assert await install_default_rules(data, store.clock) == []
    rules = {r.event_type: r for r in await events.list_events(data)}
    assert set(rules) == {spec["event_type"] for spec in DEFAULT_RULES}
    assert rules["gm_checkin"].reward_amount == 40
    assert not rules["quality_message"].is_enabled and not rules["popular_message"].is_enabled
    assert (rules["welcome"].reward_amount, rules["welcome"].max_claims_per_user) == (50, 1)
    assert rules["server_boost"].reward_amount == 500 and rules["voice_activity"].reward_amount == 25


# -- the command entry points: the caller's level first, then the options ------------------------------------

CHANNELS = frozenset({GENERAL})


def _caller(user_id: str, *roles: str, admin: bool = False) -> Caller:
    return Caller(user_id, SERVER, tuple(roles), is_administrator=admin)


async def test_a_caller_below_the_level_is_refused_before_any_option_is_read(store: Store, data: ScopedData):
    admin = RewardsAdmin(store, RewardsEngine(store), store.clock)
    nobody = _caller(ALICE)
    before = await snapshot(store)
    with pytest.raises(PermissionDenied) as refused:
        await admin.create_event(data.scope, nobody, None, EventInput(channels="nonsense"), CHANNELS)
    assert refused.value.needed is Level.EVENT_MANAGER
    with pytest.raises(PermissionDenied):
        await admin.set_role_bonuses(data.scope, nobody, None, {}, None)
    with pytest.raises(PermissionDenied):
        await admin.events(data.scope, nobody)
    assert await snapshot(store) == before


async def test_entry_points_check_options_after_the_level(store: Store, data: ScopedData):
    admin = RewardsAdmin(store, RewardsEngine(store), store.clock)
    owner = _caller(ADMIN, admin=True)
    with pytest.raises(ValidationError, match="give the event's name to create it"):
        await admin.create_event(data.scope, owner, None, EventInput(reward=5), CHANNELS)
    with pytest.raises(ValidationError, match="is not a channel of this server"):
        await admin.create_event(data.scope, owner, "new_event", EventInput(reward=5, channels=RANDOM), CHANNELS)
    with pytest.raises(ValidationError, match="choose the role"):
        await admin.remove_role_bonuses(data.scope, owner, None)
    with pytest.raises(ValidationError, match="choose a channel of this server"):
        await admin.exclude_channel(data.scope, owner, None)
    with pytest.raises(ValidationError, match="choose the member"):
        await admin.disable_member(data.scope, owner, None, None)
    rule = await admin.create_event(
        data.scope, owner, " new_event ", EventInput(reward=5, channels=f"<#{GENERAL}>", trigger="none"), CHANNELS
    )
    assert rule.event_type == "new_event" and rule.channels == frozenset({GENERAL})


async def test_role_bonuses_are_all_or_nothing_and_admin_roles_grant_levels(store: Store, data: ScopedData):
    admin = RewardsAdmin(store, RewardsEngine(store), store.clock)
    owner = _caller(ADMIN, admin=True)
    with pytest.raises(ValidationError):
        await admin.set_role_bonuses(data.scope, owner, VIP, {"multiplier": 2.0, "flat_bonus": 5000}, None)
    assert [b.role_id for b in await admin.role_bonuses(data.scope, owner)] == [BOOSTER]
    assert await admin.set_role_bonuses(data.scope, owner, VIP, {"multiplier": 2.0, "flat_bonus": None}, 3) == {
        "multiplier": 2.0
    }
    mapping = await admin.set_admin_role(data.scope, owner, VIP, "viewer")
    assert mapping == {VIP: "viewer"}
    assert {b.role_id for b in await admin.role_bonuses(data.scope, _caller(ALICE, VIP))} == {BOOSTER, VIP}
    with pytest.raises(ValidationError, match="has no admin level"):
        await admin.set_admin_role(data.scope, owner, BOOSTER, None, remove=True, role_mention=f"<@&{BOOSTER}>")
