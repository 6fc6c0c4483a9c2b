"""The streak multiplier is the one valid when the greeting was posted, whenever the bot gets to handle it.

The default tiers: x1.0 on days 1-2, x1.1 from day 3. `gm` pays 25, so 28 with x1.1 (27.5 rounded half up).
The suite's ManualClock starts on Monday 2 March 2026 at 12:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from loyalteez.emulator import Emulator, MemberHandle
from loyalteez.emulator.harness import Harness
from tests.store.raw import tables

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


async def greetings(harness: Harness, member: MemberHandle) -> list[int]:
    scope = await harness.app.services.setup.scope_for(str(harness.guild.id))
    assert scope is not None
    rows = await tables(harness.app.store.scoped(scope)).select(
        "loyalteez_reward_ledger", {"event_type": "gm_checkin", "discord_user_id": str(member.id)}
    )
    return [r["amount"] for r in rows]


async def check_in_on(clock, member: MemberHandle, *days: int) -> None:
    for day in days:
        clock.set(MONDAY + timedelta(days=day, hours=9))
        reply = await member.slash("daily")
        assert "You earned" in reply.content, reply.content


async def test_a_late_greeting_keeps_the_multiplier_of_its_own_time(
    harness, emu: Emulator, alice: MemberHandle, general, connected, clock
) -> None:
    """Streak 3 alive until Thursday 23:59:59; gm posted Thursday 10:00 offline, handled Friday 01:00."""
    await check_in_on(clock, alice, 0, 1, 2)
    clock.set(MONDAY + timedelta(days=3, hours=9, minutes=59))
    async with emu.disconnected():
        clock.set(MONDAY + timedelta(days=3, hours=10))
        await alice.say(general, "gm")
        clock.set(MONDAY + timedelta(days=4, hours=1))
    await emu.settle()
    assert await greetings(harness, alice) == [28], "x1.1 was valid on Thursday at 10:00"


async def test_a_greeting_is_not_paid_at_a_multiplier_reached_after_it(
    harness, emu: Emulator, alice: MemberHandle, general, connected, clock
) -> None:
    """Streak 2 on Wednesday 10:00 when she says gm; her check-in at 10:05 (streak 3) comes before the
    greeting is handled: the greeting still pays x1.0."""
    await check_in_on(clock, alice, 0, 1)
    clock.set(MONDAY + timedelta(days=2, hours=10))
    await alice.say(general, "gm")
    clock.set(MONDAY + timedelta(days=2, hours=10, minutes=5))
    reply = await alice.slash("daily")
    assert "Streak: **3 days**" in reply.content, reply.content
    await emu.settle()
    assert await greetings(harness, alice) == [25], "at 10:00 her streak was 2 days: no multiplier yet"
