"""/config through the real client: events, role bonuses, test mode, users, admin levels (and who may run what)."""

from __future__ import annotations

import pytest

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.store.raw import tables


async def scoped(harness: Harness):
    return harness.app.store.scoped(await harness.app.services.setup.scope_for(str(harness.guild.id)))


async def balance(member: MemberHandle) -> int:
    reply = await member.slash("balance")
    return int(next(f["value"] for f in reply.embeds[0]["fields"] if f["name"] == "Earned").replace(",", ""))


async def test_admin_creates_a_keyword_event_that_members_earn(
    harness: Harness, connected, emu: Emulator, admin: MemberHandle, alice: MemberHandle, general
) -> None:
    created = await admin.slash(
        "config events",
        action="create",
        name="coffee_talk",
        reward=15,
        cooldown=1,
        trigger="keyword",
        keywords="espresso, latte",
    )
    assert created.ephemeral and "Created **coffee_talk**" in created.content
    await alice.say(general, "anyone tried the new ESPRESSO blend?")
    await alice.say(general, "latte art today")  # inside the 1 h cooldown: counted, not paid
    await emu.settle()
    assert await balance(alice) == 15
    harness.clock.advance(hours=1, minutes=1)
    await alice.say(general, "latte time")
    await emu.settle()
    assert await balance(alice) == 30

    listed = await admin.slash("config events", action="list")
    assert "coffee_talk" in listed.content and "gm_checkin" in listed.content
    toggled = await admin.slash("config events", action="toggle", name="coffee_talk")
    assert "off" in toggled.content
    harness.clock.advance(hours=2)
    await alice.say(general, "espresso again")
    await emu.settle()
    assert await balance(alice) == 30, "a disabled event pays nobody"
    deleted = await admin.slash("config events", action="delete", name="coffee_talk")
    assert "Deleted" in deleted.content


async def test_role_bonus_worked_example(
    harness: Harness, connected, emu: Emulator, admin: MemberHandle, guild: GuildHandle, general
) -> None:
    """README: gm pays 25; VIP ×1.5 and Booster +10 give round(25 × 1.5) + 10 = 48 (38 + 10)."""
    vip, booster = guild.create_role("VIP"), guild.create_role("Booster")
    await admin.slash("config role-bonus", action="set", role=vip, multiplier=1.5, priority=10)
    await admin.slash("config role-bonus", action="set", role=booster, **{"flat-bonus": 10}, priority=5)
    member = guild.member("bonnie", roles=[vip, booster])
    await member.say(general, "gm")
    await emu.settle()
    assert await balance(member) == 48
    listed = await admin.slash("config role-bonus", action="list")
    assert "multiplier 1.5" in listed.content and "flat_bonus 10" in listed.content


async def test_test_mode_only_testers_and_admins_earn(
    harness: Harness,
    connected,
    emu: Emulator,
    admin: MemberHandle,
    guild: GuildHandle,
    alice: MemberHandle,
    general,
) -> None:
    testers = guild.create_role("Testers")
    tester = guild.member("tina", roles=[testers])
    reply = await admin.slash("config test-mode", enable=True, role=testers)
    assert "Test mode is on" in reply.content
    await alice.say(general, "gm")
    await tester.say(general, "gm")
    await emu.settle()
    data = await scoped(harness)
    ledger = await tables(data).select("loyalteez_reward_ledger")
    assert [(row["discord_user_id"], row["amount"], row["is_test"]) for row in ledger] == [
        (str(tester.id), 25, True)
    ], "only the tester earned, and the payout is marked as a test"
    assert await balance(tester) == 0, "test payouts stay out of real balances"
    claim = await alice.slash("join")
    assert "test mode" in claim.content.lower()


async def test_disabled_member_earns_nothing_until_enabled(
    harness: Harness, connected, emu: Emulator, admin: MemberHandle, alice: MemberHandle, general
) -> None:
    await admin.slash("config user", action="disable", member=alice, reason="spamming")
    await alice.say(general, "gm")
    await emu.settle()
    assert await balance(alice) == 0
    status = await admin.slash("config user", action="status", member=alice)
    assert "disabled" in status.content
    await admin.slash("config user", action="enable", member=alice)
    harness.clock.advance(days=1)
    await alice.say(general, "gm")
    await emu.settle()
    assert await balance(alice) == 25


async def test_excluded_channel_neither_earns_nor_counts(
    harness: Harness, connected, emu: Emulator, admin: MemberHandle, alice: MemberHandle, guild: GuildHandle
) -> None:
    offtopic = guild.create_text_channel("offtopic")
    reply = await admin.slash("config channels", action="exclude", channel=offtopic)
    assert "excluded" in reply.content
    await alice.say(offtopic, "gm")
    await emu.settle()
    assert await balance(alice) == 0


@pytest.mark.parametrize(
    ("level", "allowed", "refused"),
    [
        ("viewer", ["stats", "audit"], ["config events"]),
        ("event_manager", ["stats", "config events"], ["config test-mode"]),
        ("full_admin", ["stats", "config events", "config test-mode"], []),
    ],
)
async def test_permission_matrix(
    harness: Harness,
    connected,
    admin: MemberHandle,
    guild: GuildHandle,
    level: str,
    allowed: list[str],
    refused: list[str],
) -> None:
    role = guild.create_role(f"{level}-role")
    await admin.slash("config admin-roles", action="add", role=role, level=level)
    member = guild.member(f"{level}-member", roles=[role])
    calls = {
        "stats": {},
        "audit": {},
        "config events": {"action": "create", "name": f"made_by_{level}", "reward": 5, "trigger": "none"},
        "config test-mode": {"enable": False},
    }
    for command in allowed:
        reply = await member.slash(command, **calls[command])
        assert "admin level" not in reply.content, f"{level} should be allowed {command}: {reply.content}"
    for command in refused:
        reply = await member.slash(command, **calls[command])
        assert reply.ephemeral and "admin level" in reply.content, f"{level} must not run {command}"
    plain = guild.member("nobody")
    reply = await plain.slash("stats")
    assert "**viewer**" in reply.content, "a refusal names the level needed"
