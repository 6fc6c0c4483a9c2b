"""Achievements through the real bot: progress with activity, one batched DM, a Claim button that pays once."""

from __future__ import annotations

from loyalteez.clock import ManualClock
from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.store import ScopedData
from tests.store.raw import tables


async def scoped(h: Harness) -> ScopedData:
    scope = await h.app.services.setup.scope_for(str(h.guild.id))
    assert scope is not None
    return h.app.store.scoped(scope)


async def create(admin: MemberHandle, name: str, kind: str, threshold: int, reward: int) -> str:
    reply = await admin.slash(
        "achievement create",
        name=name,
        type=kind,
        threshold=threshold,
        reward=reward,
        description=f"{name} for the tests",
    )
    assert reply.ephemeral and f"Created **{name}**" in reply.content, reply.content
    return reply.content


async def test_completion_is_told_once_and_the_claim_pays_once(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, general, clock: ManualClock
) -> None:
    await create(admin, "Chatterbox", "message_count", 3, 100)
    await create(admin, "Morning person", "checkins", 1, 0)
    for text in ("hello", "how is everyone", "nice"):
        await alice.say(general, text)
    await harness.emu.settle()
    progress = await alice.slash("achievements")
    assert "3/3 messages" in progress.text and progress.buttons[0]["label"] == "Claim Chatterbox"

    await alice.say(general, "one more")
    clock.advance(minutes=1)
    await harness.emu.settle()  # the announcement job: one DM for everything completed that minute
    dms = [m.content for m in harness.emu.dms(alice)]
    assert len(dms) == 1 and "Chatterbox" in dms[0] and "/achievements" in dms[0]

    claim = await alice.click(progress, "Claim Chatterbox")
    assert claim.ephemeral and "You earned **100 LTZ** for **Chatterbox**" in claim.content
    again = await alice.click(progress, "Claim Chatterbox")
    assert "already claimed" in again.content
    data = await scoped(harness)
    assert await tables(data).count("loyalteez_reward_ledger", {"event_type": "achievement"}) == 1
    after = await alice.slash("achievements")
    assert "claimed" in after.text and not after.buttons
    clock.advance(minutes=5)
    await harness.emu.settle()
    assert len(harness.emu.dms(alice)) == 1, "no second announcement"
    listed = await admin.slash("achievement list")
    assert "**Chatterbox** (on): 3 messages → 100 LTZ · completed by 1" in listed.content


async def test_an_achievement_created_later_credits_existing_activity(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, general, clock: ManualClock
) -> None:
    for n in range(4):
        await alice.say(general, f"message {n}")
    await alice.say(general, "gm")  # 25 LTZ
    await harness.emu.settle()
    reply = await create(admin, "Saver", "ltz_earned", 20, 10)
    assert "1 member(s) already reached it" in reply
    await create(admin, "Regular", "message_count", 10, 10)
    mine = await alice.slash("achievements")
    assert "25/20" not in mine.text and "20/20 LTZ earned" in mine.text and "5/10 messages" in mine.text
    assert [b["label"] for b in mine.buttons] == ["Claim Saver"]
    clock.advance(minutes=1)
    await harness.emu.settle()
    assert any("Saver" in m.content for m in harness.emu.dms(alice))


async def test_admins_edit_and_toggle(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, general, guild: GuildHandle
) -> None:
    await create(admin, "Chatterbox", "message_count", 5, 100)
    await alice.say(general, "hi")
    await alice.say(general, "hi again")
    await harness.emu.settle()
    edited = await admin.slash("achievement edit", name="chatterbox", threshold=2)
    assert "2 messages" in edited.content
    assert (await alice.slash("achievements")).buttons, "lowering the threshold completes it for alice"
    toggled = await admin.slash("achievement toggle", name="Chatterbox")
    assert "off" in toggled.content
    assert "no achievements" in (await alice.slash("achievements")).text
    viewer = guild.member("mallory")
    refused = await viewer.slash("achievement create", name="Hack", type="message_count", threshold=1, reward=10_000)
    assert "event_manager" in refused.content


async def test_check_ins_and_streaks_feed_their_achievements(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, clock: ManualClock
) -> None:
    await create(admin, "Regular visitor", "checkins", 2, 20)
    await create(admin, "On a roll", "streak_days", 2, 30)
    first = await alice.slash("daily")
    assert "streak" in first.content.lower(), first.content
    mine = await alice.slash("achievements")
    assert "1/2 check-ins" in mine.text and "1/2 streak days" in mine.text and not mine.buttons
    clock.advance(days=1)
    await alice.slash("daily")
    mine = await alice.slash("achievements")
    assert sorted(b["label"] for b in mine.buttons) == ["Claim On a roll", "Claim Regular visitor"]
    paid = await alice.click(mine, "Claim On a roll")
    assert "30 LTZ" in paid.content
