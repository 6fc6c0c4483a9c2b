"""docs/config.schema.json: current, a valid JSON Schema, and in agreement with the services' own checks.

The same bad values go to the JSON Schema and to the service (the import with the schema skipped): both
must refuse, at the same place, with the same sentence. Boundary values must pass both.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from loyalteez.services.config_io import ConfigDocument, ConfigFieldError, ConfigFileError, import_config, parse_config
from loyalteez.services.config_io.schema import SCHEMA_FILE, build_schema, problems, render
from loyalteez.store import Store
from tests.conftest import REPORT
from tests.services.rewards.helpers import connected

EVENT = {"name": "quiz_time", "reward_amount": 5}
BONUS = {"role_id": "900000000000000001", "effect_type": "multiplier", "value": 1.5}
ACHIEVEMENT = {"name": "Chatterbox", "type": "message_count", "threshold": 10, "reward_amount": 100}
PERK = {"name": "Golden mug", "cost": 100}
CHANNEL = "700000000000000001"


def event(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "events": [{**EVENT, **fields}]}


def bonus(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "role_bonuses": [{**BONUS, **fields}]}


def achievement(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "achievements": [{**ACHIEVEMENT, **fields}]}


def perk(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "perks": [{**PERK, **fields}]}


def streaks(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "streaks": fields}


def kpi(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "kpi_targets": [{"metric": "daily_active_users", "target": 25, **fields}]}


def report(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "report": {"enabled": True, "frequency": "weekly", "channel_id": CHANNEL, **fields}}


# (document, JSON path of the bad value, the sentence both must give)
BAD: list[tuple[dict[str, Any], str, str]] = [
    (event(reward_amount=0), "events[0].reward_amount", "must be from 1 to 10,000 LTZ."),
    (event(reward_amount=10_001), "events[0].reward_amount", "must be from 1 to 10,000 LTZ."),
    (event(reward_amount="5"), "events[0].reward_amount", "must be from 1 to 10,000 LTZ."),
    (event(reward_amount=2.5), "events[0].reward_amount", "must be from 1 to 10,000 LTZ."),
    (event(name="Daily Quiz"), "events[0].name", "event names are 2–32 characters"),
    (event(name="x"), "events[0].name", "event names are 2–32 characters"),
    (event(cooldown_hours=-2), "events[0].cooldown_hours", "must be from 1 to 8,760 hours (-1 or 0 for none)."),
    (event(cooldown_hours=8761), "events[0].cooldown_hours", "must be from 1 to 8,760 hours (-1 or 0 for none)."),
    (event(max_claims_per_user=0), "events[0].max_claims_per_user", "must be from 1 to 1,000,000 (-1 for unlimited)."),
    (event(max_total_claims=-5), "events[0].max_total_claims", "must be from 1 to 1,000,000 (-1 for unlimited)."),
    (event(max_per_day=1001), "events[0].max_per_day", "must be from 1 to 1,000 (-1 for unlimited)."),
    (event(trigger="telepathy"), "events[0].trigger", "must be one of keyword, min_length, reaction_count, none"),
    (event(trigger="keyword", keywords=[]), "events[0].keywords", "the number of keywords must be from 1 to 20."),
    (
        event(trigger="keyword", keywords=[f"k{i}" for i in range(21)]),
        "events[0].keywords",
        "the number of keywords must be from 1 to 20.",
    ),
    (
        event(trigger="keyword", keywords=["x" * 51]),
        "events[0].keywords[0]",
        "each keyword's length must be from 1 to 50 characters.",
    ),
    (
        event(trigger="keyword", keywords=["  "]),
        "events[0].keywords[0]",
        "each keyword's length must be from 1 to 50 characters.",
    ),
    (event(trigger="min_length", min_length=9), "events[0].min_length", "must be from 10 to 2,000 characters."),
    (event(trigger="min_length", min_length=2001), "events[0].min_length", "must be from 10 to 2,000 characters."),
    (
        event(trigger="reaction_count", min_reactions=4),
        "events[0].min_reactions",
        "must be one of 3, 5, 7, 10, 15, 20, 25.",
    ),
    (
        event(name="voice_activity", minutes_per_payout=0),
        "events[0].minutes_per_payout",
        "must be from 1 to 1,440 minutes.",
    ),
    (
        event(name="voice_activity", minutes_per_payout=1441),
        "events[0].minutes_per_payout",
        "must be from 1 to 1,440 minutes.",
    ),
    (event(channels=["general"]), "events[0].channels[0]", "must be a Discord id (digits only)."),
    (event(channels=[str(700000000000000000 + i) for i in range(51)]), "events[0].channels", "at most 50 channels."),
    (event(description="x" * 201), "events[0].description", "must be at most 200 characters."),
    (bonus(value=5.5), "role_bonuses[0].value", "multiplier value must be from 1.0 to 5.0."),
    (bonus(value=0.5), "role_bonuses[0].value", "multiplier value must be from 1.0 to 5.0."),
    (
        bonus(effect_type="flat_bonus", value=1001),
        "role_bonuses[0].value",
        "flat_bonus value must be from 0 to 1,000 (whole numbers).",
    ),
    (
        bonus(effect_type="flat_bonus", value=2.5),
        "role_bonuses[0].value",
        "flat_bonus value must be from 0 to 1,000 (whole numbers).",
    ),
    (
        bonus(effect_type="cooldown_reduction", value=91),
        "role_bonuses[0].value",
        "cooldown_reduction value must be from 0 to 90 (whole numbers).",
    ),
    (
        bonus(effect_type="mega"),
        "role_bonuses[0].effect_type",
        "must be one of multiplier, flat_bonus, cooldown_reduction.",
    ),
    (bonus(priority=101), "role_bonuses[0].priority", "must be from 0 to 100."),
    (bonus(role_id="vip"), "role_bonuses[0].role_id", "must be a Discord id (digits only)."),
    ({"version": 1, "excluded_channels": ["general"]}, "excluded_channels[0]", "must be a Discord id (digits only)."),
    (
        {"version": 1, "test_mode": {"enabled": True, "tester_role_id": "testers"}},
        "test_mode.tester_role_id",
        "must be a Discord id (digits only).",
    ),
    (
        {"version": 1, "disabled_members": [{"member_id": "bob"}]},
        "disabled_members[0].member_id",
        "must be a Discord id (digits only).",
    ),
    (
        {"version": 1, "disabled_members": [{"member_id": "800000000000000002", "reason": "x" * 501}]},
        "disabled_members[0].reason",
        "must be at most 500 characters.",
    ),
    (
        {"version": 1, "admin_roles": [{"role_id": "900000000000000001", "level": "owner"}]},
        "admin_roles[0].level",
        "must be one of viewer, perk_manager, event_manager, full_admin",
    ),
    ({"version": 1, "admin_channel": "general"}, "admin_channel", "must be a Discord id (digits only)."),
    (achievement(threshold=0), "achievements[0].threshold", "must be from 1 to 1,000,000."),
    (achievement(threshold=1_000_001), "achievements[0].threshold", "must be from 1 to 1,000,000."),
    (achievement(reward_amount=10_001), "achievements[0].reward_amount", "must be from 0 to 10,000 LTZ (0: a badge)."),
    (achievement(reward_amount=-1), "achievements[0].reward_amount", "must be from 0 to 10,000 LTZ (0: a badge)."),
    (achievement(type="karma"), "achievements[0].type", "must be one of message_count, voice_hours, streak_days"),
    (achievement(name="x" * 51), "achievements[0].name", "must be 1 to 50 characters."),
    (achievement(description="x" * 1001), "achievements[0].description", "must be 1 to 1,000 characters."),
    (achievement(is_active="yes"), "achievements[0].is_active", "must be true or false."),
    (perk(cost=0), "perks[0].cost", "must be from 1 to 1,000,000 LTZ."),
    (perk(cost=2.5), "perks[0].cost", "must be from 1 to 1,000,000 LTZ."),
    (perk(quantity=-2), "perks[0].quantity", "must be from 1 to 1,000,000 (-1 for unlimited)."),
    (perk(quantity=1_000_001), "perks[0].quantity", "must be from 1 to 1,000,000 (-1 for unlimited)."),
    (perk(role_id="vip"), "perks[0].role_id", "must be a Discord id (digits only)."),
    (perk(category="x" * 33), "perks[0].category", "must be 1 to 32 characters."),
    (perk(description="x" * 1001), "perks[0].description", "must be 1 to 1,000 characters."),
    (streaks(grace_hours=0), "streaks.grace_hours", "must be from 1 to 72 hours."),
    (streaks(grace_hours=73), "streaks.grace_hours", "must be from 1 to 72 hours."),
    (streaks(grace_hours="24"), "streaks.grace_hours", "must be from 1 to 72 hours."),
    (
        streaks(multipliers=[{"day": 3, "factor": 5.5}]),
        "streaks.multipliers[0].factor",
        "each factor must be from 1.0 to 5.0.",
    ),
    (
        streaks(multipliers=[{"day": 3, "factor": 0.9}]),
        "streaks.multipliers[0].factor",
        "each factor must be from 1.0 to 5.0.",
    ),
    (
        streaks(multipliers=[{"day": 3, "factor": "1.5"}]),
        "streaks.multipliers[0].factor",
        "each factor must be from 1.0 to 5.0.",
    ),
    (streaks(multipliers=[{"day": 0, "factor": 1.5}]), "streaks.multipliers[0].day", "days must be from 1 to 3,650."),
    (
        streaks(milestones=[{"day": 3651, "reward_amount": 5}]),
        "streaks.milestones[0].day",
        "days must be from 1 to 3,650.",
    ),
    (
        streaks(milestones=[{"day": 7, "reward_amount": 10_001}]),
        "streaks.milestones[0].reward_amount",
        "each reward must be a whole 1 to 10,000 LTZ.",
    ),
    (
        streaks(milestones=[{"day": 7, "reward_amount": 2.5}]),
        "streaks.milestones[0].reward_amount",
        "each reward must be a whole 1 to 10,000 LTZ.",
    ),
    (
        streaks(milestones=[{"day": d, "reward_amount": 5} for d in range(1, 12)]),
        "streaks.milestones",
        "at most 10 milestones.",
    ),
    (kpi(metric="revenue"), "kpi_targets[0].metric", "must be one of daily_active_users, weekly_active_users"),
    (kpi(target=-1), "kpi_targets[0].target", "give a number of 0 or more"),
    (kpi(target="25"), "kpi_targets[0].target", "give a number of 0 or more"),
    (kpi(metric="churn_rate", target=1.5), "kpi_targets[0].target", "churn_rate is a share, so give 0–1"),
    (kpi(period="year"), "kpi_targets[0].period", "choose day, week, month or quarter"),
    (kpi(alert_threshold=0), "kpi_targets[0].alert_threshold", "give a percentage of the target from 1 to 100"),
    (kpi(alert_threshold=101), "kpi_targets[0].alert_threshold", "give a percentage of the target from 1 to 100"),
    (kpi(is_active="yes"), "kpi_targets[0].is_active", "must be true or false."),
    (report(frequency="hourly"), "report.frequency", "choose daily, weekly or monthly"),
    (report(day_of_week=7), "report.day_of_week", "give 0 (Monday) to 6 (Sunday)"),
    (
        report(frequency="daily", day_of_week=2),
        "report.day_of_week",
        "only weekly reports have a day of the week; leave it out for daily reports",
    ),
    (report(channel_id="general"), "report.channel_id", "must be a Discord id (digits only)."),
    (report(enabled="yes"), "report.enabled", "must be true, false or null (off)."),
]

GOOD: list[dict[str, Any]] = [
    event(reward_amount=1),
    event(reward_amount=10_000),
    event(cooldown_hours=-1),
    event(cooldown_hours=8760),
    event(max_claims_per_user=-1),
    event(max_claims_per_user=None),
    event(max_claims_per_user=1_000_000),
    event(max_per_day=1000),
    event(trigger="min_length", min_length=10),
    event(trigger="min_length", min_length=2000),
    event(trigger="keyword", keywords=[f"k{i}" for i in range(20)]),
    event(trigger="keyword", keywords=["x" * 50]),
    event(trigger="reaction_count", min_reactions=25),
    event(description="x" * 200),
    event(channels=[]),
    event(name="voice_activity", minutes_per_payout=1),
    event(name="voice_activity", minutes_per_payout=1440),
    bonus(value=1.0),
    bonus(value=5),
    bonus(effect_type="flat_bonus", value=1000),
    bonus(effect_type="cooldown_reduction", value=0, priority=100),
    {"version": 1, "disabled_members": [{"member_id": "800000000000000002", "reason": "x" * 500}]},
    {"version": 1, "admin_roles": [{"role_id": "900000000000000001", "level": "full_admin"}]},
    {"version": 1, "test_mode": {"enabled": True, "tester_role_id": None}, "admin_channel": None},
    achievement(threshold=1, reward_amount=0),
    achievement(threshold=1_000_000, reward_amount=10_000),
    achievement(name="x" * 50, description="x" * 1000, is_active=False),
    perk(cost=1, quantity=-1),
    perk(cost=1_000_000, quantity=None),
    perk(quantity=0),
    perk(quantity=1_000_000),
    perk(category="x" * 32, role_id="900000000000000001", description="x" * 1000),
    perk(role_id=None),
    streaks(grace_hours=1),
    streaks(grace_hours=72, multipliers=[], milestones=[]),
    streaks(multipliers=[{"day": d, "factor": 1 + d * 0.4} for d in range(1, 11)]),
    streaks(multipliers=[{"day": 1, "factor": 1.0}, {"day": 3650, "factor": 5.0}]),
    streaks(milestones=[{"day": 1, "reward_amount": 1}, {"day": 3650, "reward_amount": 10_000}]),
    kpi(target=0, period="quarter", alert_threshold=1, is_active=False),
    kpi(alert_threshold=100, period="day"),
    kpi(metric="streak_retention", target=1),
    kpi(metric="churn_rate", target=0.000001),
    report(day_of_week=6),
    report(day_of_week=None),
    report(frequency="daily", day_of_week=None),
    report(frequency="monthly"),
    report(enabled=False),
    report(enabled=None),
    {"version": 1, "report": {"enabled": False, "frequency": None, "channel_id": None, "day_of_week": None}},
    {"version": 1, "report": {}},
]


def test_the_schema_file_is_current() -> None:
    REPORT["config schema vs services"] = (
        f"{len(BAD)} bad values refused by both with the same path and sentence, "
        f"{len(GOOD)} boundary values accepted by both (sqlite + postgres)"
    )
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(build_schema()), (
        "docs/config.schema.json is stale: run `python -m loyalteez.services.config_io --write`"
    )


def test_the_schema_file_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("document", "path", "message"), BAD, ids=[f"{p}={i}" for i, (_, p, _) in enumerate(BAD)])
async def test_schema_and_service_refuse_the_same_values(
    store: Store, document: dict[str, Any], path: str, message: str
) -> None:
    found = problems(document)
    assert any(line.startswith(f"{path}: ") and message in line for line in found), (path, found)

    data = await connected(store)
    raw = ConfigDocument(1, {k: v for k, v in document.items() if k != "version"})  # the schema skipped
    with pytest.raises(ConfigFieldError) as refused:
        await import_config(data, raw, apply=False)
    assert path.startswith(refused.value.path), (path, refused.value.path)
    assert message in refused.value.message, (message, refused.value.message)
    schema_line = next(line for line in found if line.startswith(f"{path}: "))
    assert schema_line.endswith(refused.value.message), "the schema and the service say the same sentence"


@pytest.mark.parametrize("document", GOOD, ids=[str(i) for i in range(len(GOOD))])
async def test_schema_and_service_accept_the_boundaries(store: Store, document: dict[str, Any]) -> None:
    assert problems(document) == []
    data = await connected(store)
    await import_config(data, ConfigDocument(1, {k: v for k, v in document.items() if k != "version"}), apply=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"version": 1, "events": [{"name": "gm_checkin", "rewrd_amount": 5}]}',
            "events[0].rewrd_amount: unknown field (did you mean reward_amount?).",
        ),
        ('{"version": 1, "events": [{"reward_amount": 5}]}', "events[0].name: is required."),
        ('{"events": []}', "version: is required."),
        ('{"version": 2}', "version: written by a newer bot (version 2)"),
        ('{"version": 1, "perkz": []}', "perkz: unknown field (did you mean perks?)."),
        ('{"version": 1, "events": {}}', "events: must be a list."),
        ('{"version": 1,\n "events": [}', "not valid JSON: Expecting value at line 2, column 13."),
    ],
)
def test_file_problems_are_one_clear_sentence(text: str, expected: str) -> None:
    with pytest.raises(ConfigFileError) as bad:
        parse_config(text, "backup.json")
    assert expected in str(bad.value), str(bad.value)
    assert str(bad.value).startswith("backup.json")


def test_every_problem_of_a_file_is_listed() -> None:
    text = json.dumps(
        {
            "version": 1,
            "events": [{"name": "a_b", "reward_amount": 0}, {"name": "c_d", "cooldown_hours": -9}],
            "admin_channel": "x",
        }
    )
    with pytest.raises(ConfigFileError) as bad:
        parse_config(text, "backup.json")
    assert [p.split(":")[0] for p in bad.value.problems] == [
        "admin_channel",
        "events[0].reward_amount",
        "events[1].cooldown_hours",
    ]
