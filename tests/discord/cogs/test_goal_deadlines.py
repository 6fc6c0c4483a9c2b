"""A custom goal's deadline through the real bot: past it nothing moves the goal, and unitless bars read cleanly."""

from __future__ import annotations

from loyalteez.clock import ManualClock
from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness


async def test_a_custom_goal_stops_at_its_deadline(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, clock: ManualClock
) -> None:
    ops = guild.create_text_channel("ops")
    await admin.slash("config admin-channel", channel=ops)
    today = clock.now().date()
    await admin.slash("goal create", name="Art entries", type="custom", target=10, deadline=today.isoformat())
    await admin.slash("goal progress", name="Art entries", amount=4)
    clock.advance(days=1)
    late = await admin.slash("goal progress", name="Art entries", amount=20)
    assert late.content == f"**Art entries** ended on {today.isoformat()}, its deadline: it no longer moves."
    await harness.emu.settle()
    clock.advance(minutes=2)
    await harness.emu.settle()
    assert not [m for m in harness.emu.sent_messages(ops) if "Community goal reached" in m.content]
    board = (await admin.slash("goal list")).content
    assert "❌ missed" in board and "4/10" in board and "✅" not in board


async def test_a_custom_goal_reads_without_stray_spaces(
    harness: Harness, connected, admin: MemberHandle, guild: GuildHandle, clock: ManualClock
) -> None:
    ops = guild.create_text_channel("ops")
    await admin.slash("config admin-channel", channel=ops)
    deadline = clock.now().date().replace(day=3).isoformat()
    made = await admin.slash("goal create", name="Art", type="custom", target=10, deadline=deadline)
    assert made.content == f"Goal **Art**: 0/10, by {deadline}."
    moved = await admin.slash("goal progress", name="Art", amount=12)
    assert moved.content == "**Art** is now at 12/10."
    board = (await admin.slash("goals")).text
    assert "12/10\n" in board + "\n" and "12/10 " not in board
    clock.advance(minutes=2)
    await harness.emu.settle()
    said = [m.content for m in harness.emu.sent_messages(ops) if "Community goal reached" in m.content]
    assert said == ["🎯 Community goal reached: **Art** (12/10)!"]
