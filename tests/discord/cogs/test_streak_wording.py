"""/daily and /streak describe a missing streak with the same words, even right after a reconnect."""

from __future__ import annotations

from loyalteez.clock import ManualClock
from loyalteez.emulator import MemberHandle


async def test_daily_and_streak_agree_after_a_same_day_reconnect(
    connected, admin: MemberHandle, alice: MemberHandle, clock: ManualClock
) -> None:
    assert "You earned" in (await alice.slash("daily")).content
    assert "Disconnected" in (await admin.slash("setup disconnect")).content
    reconnect = await admin.slash("setup connect", brand_id=connected.brand_id, security_key=connected.security_key)
    assert "Connected" in reconnect.content
    daily = (await alice.slash("daily")).content
    streak = (await alice.slash("streak")).content
    opens = int(clock.now().replace(hour=0, minute=0, second=0).timestamp()) + 86_400
    assert daily == (
        f"You've already checked in today. No streak yet. Come back <t:{opens}:R>, when the next check-in opens."
    )
    assert streak.splitlines()[0].startswith("No streak yet")
    assert "0 days" not in daily + streak
