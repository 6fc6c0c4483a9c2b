"""Caps, cooldowns and test mode as members and admins read them through the real bot."""

from __future__ import annotations

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle


def line_of(text: str, event: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(f"`{event}`")), "")


async def test_cooldowns_tell_ready_later_never_and_all_taken(
    connected, admin: MemberHandle, guild: GuildHandle, alice: MemberHandle, clock: ManualClock
) -> None:
    await admin.slash("config events", action="create", name="quiz", reward=10, cooldown=24)
    await admin.slash("config events", action="create", name="raffle", reward=5, **{"max-total-claims": 1})
    await admin.slash("config events", action="create", name="poll", reward=3, cooldown=1)
    bob = guild.member("bob")
    assert "You earned" in (await bob.slash("claim", event="raffle")).content
    assert "You earned" in (await alice.slash("join")).content
    assert "You earned" in (await alice.slash("claim", event="quiz")).content
    ready_at = int(clock.now().timestamp()) + 24 * 3600
    shown = (await alice.slash("cooldowns")).content
    assert line_of(shown, "welcome") == "`welcome` 50 LTZ: never again (per-member limit reached)"
    assert line_of(shown, "raffle") == "`raffle` 5 LTZ: all claims taken"
    assert line_of(shown, "quiz") == f"`quiz` 10 LTZ: ready at <t:{ready_at}:f> (<t:{ready_at}:R>)"
    assert line_of(shown, "poll") == "`poll` 3 LTZ: ready now"


async def test_a_used_up_cap_during_a_cooldown_says_never(connected, admin: MemberHandle, alice: MemberHandle) -> None:
    await admin.slash("config events", action="create", name="quiz", reward=10, cooldown=24, **{"max-claims": 1})
    assert "You earned" in (await alice.slash("claim", event="quiz")).content
    again = await alice.slash("claim", event="quiz")
    assert again.content == "You've already earned `quiz` as many times as allowed."


async def test_claim_suggests_only_events_it_can_pay(connected, admin: MemberHandle, alice: MemberHandle) -> None:
    await admin.slash("config events", action="create", name="secret_quiz", reward=10)
    reply = await alice.slash("claim", event="secret_x")
    assert reply.content == "There is no event called `secret_x`. Did you mean `secret_quiz`?"
    boost = await alice.slash("claim", event="server_boot")
    assert "server_boost" not in boost.content and boost.content.startswith("There is no event called")


async def test_reward_refusals_name_the_member_to_the_admin(
    connected, admin: MemberHandle, alice: MemberHandle
) -> None:
    await alice.slash("join")
    reply = await admin.slash("reward", member=alice, event="welcome")
    assert reply.content == f"<@{alice.id}> has already earned `welcome` as many times as allowed."


async def test_test_payouts_and_real_payouts_keep_separate_limits(
    connected, emu: Emulator, admin: MemberHandle, guild: GuildHandle
) -> None:
    testers = guild.create_role("Testers")
    tina = guild.member("tina", roles=[testers])
    await admin.slash("config test-mode", enable=True, role=testers)
    first = await tina.slash("join")
    assert "Test mode" in first.content
    await admin.slash("config test-mode", enable=False)
    real = await tina.slash("join")
    assert real.content == "You earned **50 LTZ** for `welcome`."
    balance = await tina.slash("balance")
    assert {f["name"]: f["value"] for f in balance.embeds[0]["fields"]}["Earned"] == "50"
    again = await tina.slash("join")
    assert again.content == "You've already earned `welcome` as many times as allowed."
    await admin.slash("config test-mode", enable=True, role=testers)
    assert "already earned" in (await tina.slash("join")).content, "the test payout still counts in test mode"
    dan = guild.member("dan", roles=[testers])
    await admin.slash("config test-mode", enable=False)
    assert "You earned" in (await dan.slash("join")).content
    await admin.slash("config test-mode", enable=True, role=testers)
    trial = await dan.slash("join")
    assert "Test mode" in trial.content, "a real payout does not use up the test-mode limit"
