"""Config backups: export, dry run, apply in one transaction with one audit row, round trip, rules files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from loyalteez.services import server_settings
from loyalteez.services.config_io import (
    ConfigDocument,
    ConfigFieldError,
    ConfigFileError,
    Section,
    export_config,
    import_config,
    load_rules_file,
    parse_config,
    register,
    registry,
)
from loyalteez.services.config_io.schema import build_schema
from loyalteez.services.rewards import RewardsEngine
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards import admin_members as members
from loyalteez.services.rewards import admin_server as server
from loyalteez.store import ScopedData, Store
from tests.conftest import PROJECT_ROOT
from tests.services.rewards.helpers import (
    ADMIN,
    ALICE,
    BOB,
    BOOSTER,
    GENERAL,
    RANDOM,
    TESTER,
    VIP,
    Messages,
    apply,
    connected,
    ledger,
    snapshot,
)
from tests.store.raw import tables

E = events.EventOptions
MOD_ROLE = "900000000000000006"


async def configured(store: Store) -> ScopedData:
    """Server 1001 of brand_a, configured through the admin functions as /config would."""
    data = await connected(store)
    await events.create_event(
        data,
        ADMIN,
        "coffee_talk",
        E(
            reward=15,
            trigger="keyword",
            keywords=["espresso", "Latte"],
            channels=[GENERAL],
            cooldown_hours=1,
            max_total_claims=100,
        ),
    )
    await events.create_event(data, ADMIN, "bug_report", E(reward=100, description="found a bug"))
    await events.toggle_event(data, ADMIN, "bug_report", False)
    await events.edit_event(data, ADMIN, "gm_checkin", E(reward=40))
    await events.toggle_event(data, ADMIN, "popular_message", True)
    await server.set_role_bonus(data, ADMIN, BOOSTER, "multiplier", 1.5, 10)
    await server.set_role_bonus(data, ADMIN, VIP, "flat_bonus", 10, 5)
    await server.exclude_channel(data, ADMIN, RANDOM)
    await server.enable_test_mode(data, ADMIN, TESTER)
    await members.disable_member(data, ADMIN, BOB, "alt account")
    await server_settings.set_metadata(data, ADMIN, "config.admin_roles", {"admin_roles": {MOD_ROLE: "viewer"}})
    await server_settings.set_metadata(data, ADMIN, "config.admin_channel", {"admin_channel_id": GENERAL})
    return data


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("exported_at", "source")}


def as_document(value: dict[str, Any], name: str = "test.json") -> ConfigDocument:
    return parse_config(json.dumps(value), name)


async def audit_rows(data: ScopedData, action: str) -> list[dict[str, Any]]:
    return await tables(data).select("discord_audit_log", {"action": action})


async def test_round_trip_between_servers(store: Store) -> None:
    source = await configured(store)
    target = await connected(store, "brand_b", "2002")
    exported = await export_config(source, store.clock.now())
    assert exported["version"] == 1 and exported["source"]["server_id"] == "1001"

    result = await import_config(target, as_document(exported), apply=True)
    assert result.applied and result.changes
    again = await export_config(target, store.clock.now())
    assert comparable(again) == comparable(exported), "export -> import -> export gives the same config"

    repeat = await import_config(target, as_document(exported), apply=True)
    assert repeat.changes == [] and repeat.audit_id is None, "importing the same config again changes nothing"
    assert len(await audit_rows(target, "config.imported")) == 1


async def test_dry_run_lists_the_changes_and_writes_nothing(store: Store) -> None:
    source = await configured(store)
    target = await connected(store, "brand_b", "2002")
    document = as_document(await export_config(source, store.clock.now()))
    before = await snapshot(store)
    result = await import_config(target, document, apply=False)
    assert await snapshot(store) == before, "a dry run writes nothing"
    assert not result.applied
    for expected in (
        "events: + coffee_talk",
        "events: gm_checkin: reward_amount 25 → 40",
        "events: popular_message: is_enabled false → true",
        "role_bonuses: + 900000000000000001",
        'excluded_channels: + "700000000000000002"',
        "test_mode: enabled false → true",
        "disabled_members: + 800000000000000002",
        "admin_roles: + 900000000000000006",
        'admin_channel: null → "700000000000000001"',
    ):
        assert any(line.startswith(expected) for line in result.changes), (expected, result.changes)
    applied = await import_config(target, document, apply=True)
    assert applied.changes == result.changes, "the dry run showed exactly what --apply does"


async def test_apply_is_one_audit_row_with_before_and_after(store: Store) -> None:
    source = await configured(store)
    target = await connected(store, "brand_b", "2002")
    audit_before = len(await tables(target).select("discord_audit_log"))
    result = await import_config(
        target,
        as_document(await export_config(source, store.clock.now())),
        apply=True,
        actor_type="admin",
        actor_id=ADMIN,
    )
    rows = await tables(target).select("discord_audit_log")
    assert len(rows) == audit_before + 1, "the admin functions' own audit rows are folded into one"
    row = next(r for r in rows if r["id"] == result.audit_id)
    assert (row["actor_type"], row["actor_id"], row["action"]) == ("admin", ADMIN, "config.imported")
    actions = [a["action"] for a in row["details"]["actions"]]
    assert "rewards.event_created" in actions and "rewards.member_disabled" in actions
    assert row["before_state"]["test_mode"] == {"enabled": False, "tester_role_id": None}
    assert row["after_state"]["test_mode"] == {"enabled": True, "tester_role_id": TESTER}


async def test_a_partial_rules_file_changes_only_what_it_names(store: Store) -> None:
    data = await configured(store)
    before = await export_config(data, store.clock.now())
    result = await import_config(
        data,
        as_document(
            {
                "version": 1,
                "events": [
                    {"name": "gm_checkin", "reward_amount": 30},
                    {"name": "coffee_talk"},
                    {"name": "bug_report"},
                ],
            }
        ),
        apply=True,
    )
    assert result.changes == ["events: gm_checkin: reward_amount 40 → 30"]
    after = await export_config(data, store.clock.now())
    gm = next(e for e in after["events"] if e["name"] == "gm_checkin")
    assert gm["max_per_day"] == 1, "fields an item leaves out are left as they are"
    assert {k: v for k, v in after.items() if k != "events"} == {k: v for k, v in before.items() if k != "events"}


async def test_the_voice_payout_rate_round_trips_and_only_voice_events_take_it(store: Store) -> None:
    data = await configured(store)
    voice = next(e for e in (await export_config(data, store.clock.now()))["events"] if e["name"] == "voice_activity")
    assert voice["minutes_per_payout"] == 30
    result = await import_config(
        data, as_document({"version": 1, "events": [{"name": "voice_activity", "minutes_per_payout": 15}]}), apply=True
    )
    assert "events: voice_activity: minutes_per_payout 30 → 15" in result.changes
    rule = next(r for r in await events.list_events(data) if r.event_type == "voice_activity")
    assert rule.minutes_per_payout == 15
    with pytest.raises(ConfigFieldError) as refused:
        await import_config(
            data, as_document({"version": 1, "events": [{"name": "gm_checkin", "minutes_per_payout": 15}]}), apply=True
        )
    assert refused.value.path == "events[0].minutes_per_payout"
    assert "doesn't apply to the gm_greeting trigger" in refused.value.message


async def test_the_file_is_the_whole_list(store: Store) -> None:
    """Custom events, bonuses, exclusions and disabled members the file lacks go; built-in events stay."""
    data = await configured(store)
    await import_config(
        data,
        as_document(
            {
                "version": 1,
                "events": [],
                "role_bonuses": [],
                "excluded_channels": [],
                "disabled_members": [],
                "admin_roles": [],
                "admin_channel": None,
                "test_mode": {"enabled": False},
            }
        ),
        apply=True,
    )
    after = await export_config(data, store.clock.now())
    names = {e["name"] for e in after["events"]}
    assert "coffee_talk" not in names and "bug_report" not in names
    assert {"gm_checkin", "welcome"} <= names, "built-in events are never deleted"
    assert after["role_bonuses"] == after["excluded_channels"] == after["disabled_members"] == []
    assert after["admin_roles"] == [] and after["admin_channel"] is None
    assert after["test_mode"] == {"enabled": False, "tester_role_id": None}


@pytest.mark.parametrize(
    ("items", "path", "message"),
    [
        (
            [{"name": "quiz", "reward_amount": 5, "trigger": "keyword"}],
            "events[0].keywords",
            "the keyword trigger needs keywords.",
        ),
        ([{"name": "gm_checkin", "trigger": "none"}], "events[0].trigger", "built-in event"),
        (
            [{"name": "quiz", "reward_amount": 5}, {"name": "quiz", "reward_amount": 6}],
            "events[1].name",
            "already listed at events[0]",
        ),
        ([{"name": "quiz"}], "events[0].reward_amount", "must be from 1 to 10,000 LTZ."),
        (
            [{"name": "quiz", "reward_amount": 5, "keywords": ["hi"]}],
            "events[0].keywords",
            "doesn't apply to the none trigger.",
        ),
    ],
)
async def test_a_refused_rule_names_its_path_and_changes_nothing(store: Store, items, path: str, message: str) -> None:
    data = await configured(store)
    before = await snapshot(store)
    document = as_document({"version": 1, "role_bonuses": [], "events": items})
    with pytest.raises(ConfigFieldError) as refused:
        await import_config(data, document, apply=True)
    assert refused.value.path == path and message in refused.value.message, str(refused.value)
    assert str(refused.value).startswith(f"{path}: ")
    assert await snapshot(store) == before, "nothing is written when any value is refused"


async def test_an_imported_rule_pays_exactly_as_one_set_with_config(store: Store) -> None:
    data = await connected(store)
    await import_config(
        data,
        as_document(
            {
                "version": 1,
                "test_mode": {"enabled": False},
                "events": [
                    {
                        "name": "coffee_talk",
                        "reward_amount": 15,
                        "trigger": "keyword",
                        "keywords": ["espresso"],
                        "channels": [GENERAL],
                        "max_per_day": 1,
                    }
                ],
            }
        ),
        apply=True,
    )
    engine = RewardsEngine(store, store.clock)
    say = Messages(store)
    await apply(
        engine,
        data,
        say("espresso time", ALICE),
        say("espresso again", ALICE),
        say("espresso elsewhere", BOB, channel=RANDOM),
    )
    paid = [(r["discord_user_id"], r["event_type"], r["amount"]) for r in await ledger(data)]
    assert paid == [(ALICE, "coffee_talk", 15)], "keyword, channel and daily cap all apply"


async def test_brand_wide_events_are_marked(store: Store) -> None:
    data = await connected(store)
    await store.db.execute(
        "INSERT INTO monitoring_rules (id, brand_id, event_type, reward_amount, cooldown_hours, is_enabled, "
        "detection_method, channel_constraints, rule_metadata, server_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        [
            "00000000-0000-4000-8000-000000000001",
            "brand_a",
            "brand_bonus",
            5,
            0,
            True,
            "command",
            [],
            {"trigger": "none"},
            store.clock.now(),
            store.clock.now(),
        ],
    )
    exported = await export_config(data, store.clock.now())
    marks = {e["name"]: (e["scope"], e["builtin"]) for e in exported["events"]}
    assert marks["brand_bonus"] == ("brand", False) and marks["gm_checkin"] == ("server", True)
    other = await connected(store, "brand_b", "2002")
    await import_config(other, as_document(exported), apply=True)
    again = {e["name"]: e["scope"] for e in (await export_config(other, store.clock.now()))["events"]}
    assert again["brand_bonus"] == "server", "another brand's server gets the rule as its own"


async def test_a_feature_adds_its_own_section(store: Store) -> None:
    """The extension point: a section registered by another area is exported, validated and imported."""
    key = "demo_settings"

    async def export(data: ScopedData) -> dict[str, Any]:
        return {"level": (await data.rewards.metadata()).get(key, 1)}

    async def apply_value(data: ScopedData, value: dict[str, Any], actor_id: str) -> None:
        await server_settings.set_metadata(data, actor_id, "demo.settings", {key: value["level"]})

    section = register(
        Section(
            key=key,
            description="demo",
            schema={
                "type": "object",
                "additionalProperties": False,
                "required": ["level"],
                "properties": {
                    "level": {"type": "integer", "minimum": 1, "maximum": 3, "x-message": "must be 1, 2 or 3."}
                },
            },
            export=export,
            apply=apply_value,
        )
    )
    try:
        data = await connected(store)
        assert (await export_config(data, store.clock.now()))[key] == {"level": 1}
        schema = build_schema()
        with pytest.raises(ConfigFileError, match=r"demo_settings\.level: must be 1, 2 or 3\."):
            parse_config(json.dumps({"version": 1, key: {"level": 9}}), against=schema)
        document = parse_config(json.dumps({"version": 1, key: {"level": 3}}), against=schema)
        result = await import_config(data, document, apply=True)
        assert result.changes == ["demo_settings: level 1 → 3"]
        assert (await export_config(data, store.clock.now()))[key] == {"level": 3}
    finally:
        registry.unregister(section.key)


async def test_rules_file_example_loads(store: Store) -> None:
    document = await load_rules_file(PROJECT_ROOT / "docs" / "examples" / "rules.json")
    assert {e["name"] for e in document.sections["events"]} >= {"gm_checkin", "coffee_talk"}
    data = await connected(store)
    await import_config(data, document, apply=True, actor_id="replay")
    rules = {r.event_type: r for r in await events.list_events(data)}
    assert rules["gm_checkin"].reward_amount == 40 and rules["coffee_talk"].keywords == ("espresso", "latte")


async def test_a_bad_rules_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "events": [{"name": "gm_checkin"}, {"name": "essay", "reward_amount": 5, "trigger": "min_length"}],
            }
        )
    )
    with pytest.raises(ConfigFieldError, match=r"^events\[1\]\.min_length: the min_length trigger needs min_length"):
        await load_rules_file(path)
    path.write_text(json.dumps({"version": 1, "events": [{"name": "gm_checkin", "reward_amount": 0}]}))
    with pytest.raises(ConfigFileError, match=r"events\[0\]\.reward_amount: must be from 1 to 10,000 LTZ\."):
        await load_rules_file(path)
    with pytest.raises(ConfigFileError, match="cannot be read"):
        await load_rules_file(tmp_path / "missing.json")
