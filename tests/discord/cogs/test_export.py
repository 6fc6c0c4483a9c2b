"""/export through the real client: every type as a file only the admin sees, viewer level, size limit."""

from __future__ import annotations

import csv
import io
import json

import pytest

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services.config_io import parse_config, tables

HEADERS = {
    "rewards": [
        "created_at",
        "discord_user_id",
        "event_type",
        "amount",
        "is_test",
        "channel_id",
        "idempotency_key",
        "details",
        "id",
    ],
    "audit": [
        "created_at",
        "actor_type",
        "actor_id",
        "action",
        "target_user_id",
        "is_test",
        "details",
        "before_state",
        "after_state",
        "id",
    ],
    "users": [
        "discord_user_id",
        "messages_count",
        "reactions_count",
        "voice_minutes",
        "ltz_earned",
        "ltz_spent",
        "balance",
        "created_at",
        "updated_at",
    ],
}


@pytest.fixture
async def activity(
    harness: Harness, connected, emu: Emulator, admin: MemberHandle, alice: MemberHandle, guild: GuildHandle, general
) -> MemberHandle:
    """Alice earns for real, a tester earns in test mode, an admin changes config: then a viewer exports."""
    await alice.say(general, "gm")
    await emu.settle()
    await admin.slash(
        "config events", action="create", name="coffee_talk", reward=15, trigger="keyword", keywords="espresso"
    )
    testers = guild.create_role("Testers")
    tina = guild.member("tina", roles=[testers])
    await admin.slash("config test-mode", enable=True, role=testers)
    await tina.say(general, "gm")
    await emu.settle()
    await admin.slash("config test-mode", enable=False)
    viewers = guild.create_role("Viewers")
    await admin.slash("config admin-roles", action="add", role=viewers, level="viewer")
    return guild.member("vera", roles=[viewers])


def only_file(reply) -> tuple[str, bytes]:
    assert reply.ephemeral, "an export is shown only to the admin who asked"
    assert len(reply.files) == 1, reply.content
    return reply.files[0]


@pytest.mark.parametrize("kind", ["rewards", "audit", "users"])
async def test_table_exports_as_csv_and_json(
    activity: MemberHandle, alice: MemberHandle, guild: GuildHandle, kind: str
) -> None:
    name, body = only_file(await activity.slash("export", type=kind))
    assert name.startswith(f"loyalteez-{kind}-{guild.id}-") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert list(rows[0]) == HEADERS[kind]

    name, body = only_file(await activity.slash("export", type=kind, format="json"))
    assert name.endswith(".json")
    exported = json.loads(body)
    assert exported["type"] == kind and exported["server_id"] == str(guild.id)
    assert exported["columns"] == HEADERS[kind] and exported["count"] == len(exported["rows"]) == len(rows)

    if kind == "rewards":  # alice's real gm, and the tester's payout marked as a test
        marks = sorted((r["discord_user_id"], r["event_type"], r["amount"], r["is_test"]) for r in rows)
        tina = str(guild.member("tina").id)
        assert marks == sorted([(str(alice.id), "gm_checkin", "25", "false"), (tina, "gm_checkin", "25", "true")])
        assert {r["is_test"] for r in exported["rows"]} == {True, False}
    elif kind == "audit":
        assert {"rewards.event_created", "rewards.test_mode_enabled", "config.admin_roles"} <= {
            r["action"] for r in rows
        }
        assert all(isinstance(r["details"], dict | None) for r in exported["rows"])
    else:
        mine = next(r for r in rows if r["discord_user_id"] == str(alice.id))
        assert (mine["ltz_earned"], mine["balance"], mine["messages_count"]) == ("25", "25", "1")


async def test_config_export_is_a_valid_backup(activity: MemberHandle, guild: GuildHandle) -> None:
    name, body = only_file(await activity.slash("export", type="config"))
    assert name.endswith(".json")
    document = parse_config(body.decode(), name)  # the JSON Schema in docs/ accepts it
    events = {e["name"]: e for e in document.sections["events"]}
    assert events["coffee_talk"]["keywords"] == ["espresso"] and events["gm_checkin"]["builtin"] is True
    assert document.sections["test_mode"] == {"enabled": False, "tester_role_id": None}
    assert [r["level"] for r in document.sections["admin_roles"]] == ["viewer"]
    assert document.source["server_id"] == str(guild.id)

    refused = await activity.slash("export", type="config", format="csv")
    assert refused.ephemeral and not refused.files and "JSON only" in refused.content


async def test_export_needs_the_viewer_level(connected, guild: GuildHandle) -> None:
    reply = await guild.member("nobody").slash("export", type="rewards")
    assert reply.ephemeral and not reply.files and "**viewer**" in reply.content


async def test_export_of_an_unconnected_server_says_so(harness: Harness, admin: MemberHandle) -> None:
    reply = await admin.slash("export", type="users")
    assert reply.ephemeral and not reply.files and "isn't connected" in reply.content


async def test_an_export_over_the_attachment_limit_points_to_the_cli(
    activity: MemberHandle, guild: GuildHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "ATTACHMENT_LIMIT", 200)
    reply = await activity.slash("export", type="audit")
    assert reply.ephemeral and not reply.files
    assert "attachment limit" in reply.content and f"python bot.py export audit --server {guild.id}" in reply.content
