"""Config sections `streaks`, `kpi_targets` and `report`: round trip, idempotence, dry run, refusals, deletion."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from loyalteez.services.analytics import reports, targets
from loyalteez.services.config_io import ConfigDocument, ConfigFieldError, export_config, import_config, parse_config
from loyalteez.services.streaks import settings as streak_settings
from loyalteez.store import ScopedData, Store
from tests.services.rewards.helpers import ADMIN, GENERAL, RANDOM, connected, snapshot
from tests.store.raw import tables

SECTIONS = ("streaks", "kpi_targets", "report")


async def configured(store: Store) -> ScopedData:
    """Server 1001 with streak rules, two KPI targets (one off) and a weekly report, set as the commands do."""
    data = await connected(store)
    await streak_settings.configure(data, ADMIN, grace_hours=48, multipliers="5:1.2, 10:1.5", milestones="10:100")
    await targets.set_target(data, ADMIN, "daily_active_users", "25", "week", None)
    await targets.set_target(data, ADMIN, "churn_rate", "10%", "month", 90)
    await targets.set_active(data, ADMIN, "churn_rate", False)
    await reports.save_schedule(data, ADMIN, "weekly", GENERAL, 3, store.clock.now())
    return data


async def ours(data: ScopedData) -> dict[str, Any]:
    exported = await export_config(data, data.clock.now())
    return {key: exported[key] for key in SECTIONS}


def document(sections: dict[str, Any]) -> ConfigDocument:
    return parse_config(json.dumps({"version": 1, **sections}), "test.json")


async def imported(data: ScopedData, sections: dict[str, Any]) -> list[str]:
    return (await import_config(data, document(sections), apply=True)).changes


async def test_export_shape(store: Store) -> None:
    assert await ours(await configured(store)) == {
        "streaks": {
            "grace_hours": 48,
            "multipliers": [{"day": 5, "factor": 1.2}, {"day": 10, "factor": 1.5}],
            "milestones": [{"day": 10, "reward_amount": 100}],
        },
        "kpi_targets": [
            {"metric": "churn_rate", "target": 0.1, "period": "month", "alert_threshold": 90, "is_active": False},
            {"metric": "daily_active_users", "target": 25, "period": "week", "alert_threshold": 80, "is_active": True},
        ],
        "report": {"enabled": True, "frequency": "weekly", "channel_id": GENERAL, "day_of_week": 3},
    }
    fresh = await connected(store, "brand_b", "2002")
    defaults = await ours(fresh)
    assert defaults["streaks"]["grace_hours"] == streak_settings.DEFAULT_GRACE and defaults["kpi_targets"] == []
    assert defaults["report"] == {"enabled": False, "frequency": None, "channel_id": None, "day_of_week": None}


async def test_round_trip_and_reimport_changes_nothing(store: Store) -> None:
    source = await configured(store)
    target = await connected(store, "brand_b", "2002")
    exported = await export_config(source, store.clock.now())
    assert (await import_config(target, document(exported), apply=True)).audit_id
    assert await ours(target) == await ours(source), "export -> import -> export gives the same sections"
    settings = await streak_settings.load(target)
    assert settings.multiplier(6) == settings.multiplier(9) == Decimal("1.2")

    for data in (target, source):  # into the copy, and a server's own export into itself
        before = await snapshot(store)
        again = await import_config(data, document(exported), apply=True)
        assert again.changes == [] and again.audit_id is None and again.actions == []
        assert await snapshot(store) == before, "nothing written, not even an audit row"


async def test_an_off_schedule_and_off_target_round_trip(store: Store) -> None:
    source = await configured(store)
    await reports.turn_off(source, ADMIN)
    target = await connected(store, "brand_b", "2002")
    await import_config(target, document(await export_config(source, store.clock.now())), apply=True)
    assert (await ours(target))["report"] == {
        "enabled": False,
        "frequency": "weekly",
        "channel_id": GENERAL,
        "day_of_week": 3,
    }, "kept off, with its frequency and channel"
    assert [t.active for t in await targets.list_targets(target)] == [False, True]


async def test_dry_run_lists_the_changes_and_writes_nothing(store: Store) -> None:
    source = await configured(store)
    target = await connected(store, "brand_b", "2002")
    exported = document(await export_config(source, store.clock.now()))
    before = await snapshot(store)
    result = await import_config(target, exported, apply=False)
    assert await snapshot(store) == before, "a dry run writes nothing"
    assert not result.applied
    for expected in (
        "streaks: grace_hours 24 → 48",
        "streaks: milestones",
        "kpi_targets: + churn_rate",
        "kpi_targets: + daily_active_users",
        "report: enabled false → true",
        'report: channel_id null → "700000000000000001"',
    ):
        assert any(line.startswith(expected) for line in result.changes), (expected, result.changes)
    actions = {a["action"] for a in result.actions}
    assert {"config.streaks", "analytics.kpi_set", "analytics.kpi_disable", "analytics.report_schedule"} <= actions
    assert (await import_config(target, exported, apply=True)).changes == result.changes


async def test_one_audit_row_holds_the_services_actions(store: Store) -> None:
    target = await connected(store, "brand_b", "2002")
    audit_before = len(await tables(target).select("discord_audit_log"))
    result = await import_config(
        target,
        document(
            {
                "streaks": {"grace_hours": 30},
                "kpi_targets": [{"metric": "streak_retention", "target": 0.5}],
                "report": {"enabled": True, "frequency": "daily", "channel_id": RANDOM},
            }
        ),
        apply=True,
        actor_id=ADMIN,
    )
    rows = await tables(target).select("discord_audit_log")
    assert len(rows) == audit_before + 1, "the services' own audit rows are folded into one"
    row = next(r for r in rows if r["id"] == result.audit_id)
    assert row["action"] == "config.imported" and row["details"]["sections"] == list(SECTIONS)
    assert [a["action"] for a in row["details"]["actions"]] == [
        "config.streaks",
        "analytics.kpi_set",
        "analytics.report_schedule",
    ]
    assert row["after_state"]["report"]["frequency"] == "daily"


async def test_a_partial_file_changes_only_what_it_names(store: Store) -> None:
    data = await configured(store)
    before = await ours(data)
    changes = await imported(
        data,
        {
            "streaks": {"grace_hours": 72},
            "kpi_targets": [{"metric": "churn_rate", "target": 0.2}, {"metric": "daily_active_users", "target": 25}],
        },
    )
    assert changes == ["streaks: grace_hours 48 → 72", "kpi_targets: churn_rate: target 0.1 → 0.2"]
    after = await ours(data)
    assert after["streaks"]["multipliers"] == before["streaks"]["multipliers"], "keys left out are left alone"
    churn = next(t for t in after["kpi_targets"] if t["metric"] == "churn_rate")
    assert (churn["period"], churn["alert_threshold"], churn["is_active"]) == ("month", 90, False), (
        "fields left out of a target are left as they are"
    )


async def test_empty_tables_mean_none(store: Store) -> None:
    data = await configured(store)
    await imported(data, {"streaks": {"multipliers": [], "milestones": []}})
    settings = await streak_settings.load(data)
    assert settings.multipliers == () and settings.milestones == () and settings.grace_hours == 48
    assert (await ours(data))["streaks"]["multipliers"] == []


async def test_deletion_rules(store: Store) -> None:
    """A target missing from the file is removed (with its alert state); a report is turned off, never deleted."""
    data = await configured(store)
    await data.kpi.set_alert_state("churn_rate", True, 0.5, store.clock.now().date(), store.clock.now())
    changes = await imported(
        data, {"kpi_targets": [{"metric": "daily_active_users", "target": 25}], "report": {"enabled": None}}
    )
    assert changes == ["kpi_targets: - churn_rate", "report: enabled true → false"]
    assert [t.metric for t in await targets.list_targets(data)] == ["daily_active_users"]
    assert "churn_rate" not in await data.kpi.alert_states()
    schedule = await reports.current(data)
    assert schedule is not None and not schedule.active and schedule.channel_id == GENERAL
    assert await imported(data, {"report": {}}) == [], "absent enabled is off too"
    assert await imported(
        data, {"report": {"enabled": True, "frequency": "weekly", "channel_id": GENERAL, "day_of_week": 3}}
    ) == ["report: enabled false → true"]
    assert await imported(data, {"kpi_targets": []}) == ["kpi_targets: - daily_active_users"]


@pytest.mark.parametrize(
    ("sections", "path", "message"),
    [
        ({"streaks": {"grace_hours": 0}}, "streaks.grace_hours", "must be from 1 to 72 hours."),
        (
            {"streaks": {"multipliers": [{"day": 3, "factor": 6}]}},
            "streaks.multipliers[0].factor",
            "each factor must be from 1.0 to 5.0.",
        ),
        (
            {"streaks": {"multipliers": [{"day": 3, "factor": 1.5}, {"day": 7, "factor": 1.2}]}},
            "streaks.multipliers",
            "a longer streak can't have a smaller factor.",
        ),
        (
            {"streaks": {"milestones": [{"day": 7, "reward_amount": 5}, {"day": 7, "reward_amount": 9}]}},
            "streaks.milestones[1].day",
            "already listed at streaks.milestones[0].",
        ),
        (
            {"streaks": {"milestones": [{"day": 4000, "reward_amount": 5}]}},
            "streaks.milestones[0].day",
            "days must be from 1 to 3,650.",
        ),
        (
            {"kpi_targets": [{"metric": "churn_rate", "target": 0.1}, {"metric": "churn_rate", "target": 0.2}]},
            "kpi_targets[1].metric",
            "already listed at kpi_targets[0].",
        ),
        (
            {"kpi_targets": [{"metric": "streak_retention", "target": 1.5}]},
            "kpi_targets[0].target",
            "streak_retention is a share",
        ),
        (
            {"report": {"enabled": True, "frequency": "daily", "channel_id": GENERAL, "day_of_week": 2}},
            "report.day_of_week",
            "only weekly reports have a day of the week",
        ),
        (
            {"report": {"enabled": True, "frequency": "weekly", "channel_id": None}},
            "report.channel_id",
            "must be a Discord id (digits only).",
        ),
    ],
)
async def test_a_refused_value_names_its_path_and_changes_nothing(
    store: Store, sections: dict[str, Any], path: str, message: str
) -> None:
    data = await configured(store)
    before = await snapshot(store)
    with pytest.raises(ConfigFieldError) as refused:
        await import_config(data, ConfigDocument(1, sections), apply=True)  # the service's check, schema skipped
    assert refused.value.path == path and message in refused.value.message, str(refused.value)
    assert await snapshot(store) == before, "nothing is written when any value is refused"
