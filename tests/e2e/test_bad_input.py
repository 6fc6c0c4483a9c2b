"""Bad input from admins and members: a short ephemeral reply naming the problem, and no row changed."""

from __future__ import annotations

import sqlite3

from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.conftest import REPORT

# Discord caps a string option at 6,000 characters, so that is the longest a member can send.
LONG = "x" * 6_000


def snapshot(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}
    finally:
        conn.close()


def cases(guild: GuildHandle, alice: MemberHandle) -> list[tuple[str, dict, str]]:
    """(command, options, a word the reply must contain)."""
    role = guild.create_role("Helpers")
    events = "config events"
    return [
        (events, {"action": "create", "name": "Bad Name", "reward": 5}, "name"),
        (events, {"action": "create", "name": "x", "reward": 5}, "name"),
        (events, {"action": "create", "name": "gm_checkin", "reward": 5}, "already"),
        (events, {"action": "create", "name": "new_event"}, "reward"),
        (events, {"action": "create", "name": "new_event", "reward": 0}, "reward"),
        (events, {"action": "create", "name": "new_event", "reward": 10_001}, "reward"),
        (events, {"action": "create", "name": "new_event", "reward": 5, "cooldown": -5}, "cooldown"),
        (events, {"action": "create", "name": "new_event", "reward": 5, "cooldown": 100_000}, "cooldown"),
        (events, {"action": "create", "name": "new_event", "reward": 5, "max-claims": -7}, "max"),
        (events, {"action": "create", "name": "new_event", "reward": 5, "max-total-claims": -9}, "max"),
        (events, {"action": "create", "name": "new_event", "reward": 5, "trigger": "keyword"}, "keyword"),
        (
            events,
            {
                "action": "create",
                "name": "new_event",
                "reward": 5,
                "trigger": "keyword",
                "keywords": ",".join(f"w{n}" for n in range(21)),
            },
            "keyword",
        ),
        (
            events,
            {"action": "create", "name": "new_event", "reward": 5, "trigger": "keyword", "keywords": "y" * 60},
            "keyword",
        ),
        (
            events,
            {"action": "create", "name": "new_event", "reward": 5, "trigger": "min_length", "min-length": 5},
            "10",
        ),
        (
            events,
            {"action": "create", "name": "new_event", "reward": 5, "trigger": "min_length", "min-length": 5000},
            "2,000",
        ),
        (
            events,
            {"action": "create", "name": "new_event", "reward": 5, "trigger": "reaction_count", "min-reactions": 4},
            "reaction",
        ),
        (
            events,
            {"action": "create", "name": "new_event", "reward": 5, "channels": "123456789012345678"},
            "not a channel of this server",
        ),
        (events, {"action": "create", "name": "new_event", "reward": 5, "channels": "hello there"}, "channels"),
        (events, {"action": "edit", "name": "nope_event", "reward": 5}, "no event"),
        (events, {"action": "toggle"}, "name"),
        (events, {"action": "delete", "name": "gm_checkin"}, "gm_checkin"),
        ("config reward", {"event": "no_such_event", "amount": 5}, "no event"),
        ("config reward", {"event": "gm_checkin", "amount": -3}, "1 to 10,000"),
        ("config role-bonus", {"action": "set", "role": role, "multiplier": 0.5}, "multiplier"),
        ("config role-bonus", {"action": "set", "role": role, "multiplier": 9.0}, "multiplier"),
        ("config role-bonus", {"action": "set", "role": role, "flat-bonus": 5000}, "flat"),
        ("config role-bonus", {"action": "set", "role": role, "cooldown-reduction": 95}, "cooldown"),
        ("config role-bonus", {"action": "set", "role": role, "multiplier": 2.0, "priority": 500}, "priority"),
        ("config role-bonus", {"action": "set", "multiplier": 2.0}, "role"),
        ("config role-bonus", {"action": "set", "role": role}, "multiplier"),
        ("config role-bonus", {"action": "set", "role": role, "multiplier": 2.0, "flat-bonus": 99_999}, "flat"),
        ("config user", {"action": "disable", "member": alice, "reason": LONG}, "reason"),
        ("config user", {"action": "disable"}, "member"),
        ("config admin-roles", {"action": "add", "role": role}, "level"),
        ("config admin-roles", {"action": "remove", "role": role}, "no admin level"),
        ("reward", {"member": alice, "event": "no_such_event"}, "no event"),
        ("reward", {"member": alice, "event": "welcome", "amount": 0}, "amount"),
        ("reward", {"member": alice, "event": "welcome", "amount": 20_000}, "amount"),
        ("reward", {"member": alice, "event": "welcome", "amount": 10, "reason": LONG}, "reason"),
    ]


async def test_bad_inputs_change_nothing(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, alice: MemberHandle
) -> None:
    table = cases(guild, alice)
    await harness.emu.settle()  # alice's join (GUILD_MEMBER_ADD) is recorded by analytics: not part of a command
    failures = []
    for command, options, expected in table:
        before = snapshot(harness.db_path)
        reply = await admin.slash(command, options)
        after = snapshot(harness.db_path)
        label = f"/{command} {options}"[:120]
        if not reply.ephemeral:
            failures.append(f"{label}: reply not ephemeral")
        if expected.lower() not in reply.content.lower():
            failures.append(f"{label}: reply {reply.content!r} does not mention {expected!r}")
        if len(reply.content) > 300 or "Traceback" in reply.content:
            failures.append(f"{label}: reply is not short: {reply.content[:80]!r}")
        changed = [t for t in before if before[t] != after[t]]
        if changed:
            failures.append(f"{label}: changed {changed}")
    REPORT["bad admin inputs refused with nothing changed"] = f"{len(table) - len(failures)}/{len(table)}"
    assert not failures, "\n".join(failures)
    assert len(table) >= 30
