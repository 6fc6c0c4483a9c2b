"""Community goals through the real bot: every type moves with what it counts and is announced once."""

from __future__ import annotations

from loyalteez.clock import ManualClock
from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness


async def announcements(harness: Harness, channel) -> list[str]:
    return [m.content for m in harness.emu.sent_messages(channel) if "Community goal reached" in m.content]


async def setup_goals(admin: MemberHandle, guild: GuildHandle):
    ops = guild.create_text_channel("ops")
    await admin.slash("config admin-channel", channel=ops)
    return ops


async def test_each_goal_type_moves_and_is_announced_once(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, general, clock: ManualClock
) -> None:
    ops = await setup_goals(admin, guild)
    today = clock.now().date()
    for name, kind, target in (
        ("Pour 60", "ltz_distributed", 60),
        ("Three earners", "users", 3),
        ("Busy day", "dau", 2),
        ("Art entries", "custom", 5),
    ):
        reply = await admin.slash(
            "goal create", name=name, type=kind, target=target, deadline=today.replace(day=28).isoformat()
        )
        assert f"Goal **{name}**" in reply.content, reply.content
    alice, bob, carol = (guild.member(n) for n in ("alice", "bob", "carol"))
    await alice.say(general, "gm")  # 25 LTZ, 1 earner, 1 today
    await harness.emu.settle()
    board = await alice.slash("goals")
    assert "25/60 LTZ paid" in board.text and "1/3 earning members" in board.text
    assert "1/2 members earning in one day" in board.text and "0/5" in board.text

    await bob.say(general, "good morning")  # 50 LTZ, 2 earners, 2 today: dau reached
    await harness.emu.settle()
    clock.advance(minutes=1)
    await harness.emu.settle()
    reached = "🎯 Community goal reached: **Busy day** (2/2 members earning in one day)!"
    assert await announcements(harness, ops) == [reached]

    await carol.say(general, "gm fam")  # 75 LTZ, 3 earners
    await admin.slash("goal progress", name="Art entries", amount=5)
    await harness.emu.settle()
    clock.advance(minutes=1)
    await harness.emu.settle()
    said = await announcements(harness, ops)
    assert len(said) == 2 and all(name in said[1] for name in ("Pour 60", "Three earners", "Art entries"))
    board = await alice.slash("goals")
    assert board.text.count("✅ reached") == 4
    await alice.say(general, "gn")
    clock.advance(minutes=1)
    await harness.emu.settle()
    assert len(await announcements(harness, ops)) == 2, "a reached goal is announced once"


async def test_a_goal_past_its_deadline_shows_as_missed(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle, general, clock: ManualClock
) -> None:
    await admin.slash(
        "goal create", name="Sprint", type="ltz_distributed", target=1000, deadline=clock.now().date().isoformat()
    )
    await alice.say(general, "gm")
    await harness.emu.settle()
    clock.advance(days=1)
    assert "❌ missed" in (await alice.slash("goals")).text
    assert "Sprint" in (await admin.slash("goal list")).content
    ended = await admin.slash("goal end", name="Sprint")
    assert "Ended" in ended.content
    assert "No community goals" in (await alice.slash("goals")).text
    assert "ended" in (await admin.slash("goal list")).content
