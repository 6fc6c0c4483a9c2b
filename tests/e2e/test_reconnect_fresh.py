"""Reconnecting starts fresh: /balance, every leaderboard period and /stats count from the new connection."""

from __future__ import annotations

from loyalteez.clock import ManualClock
from loyalteez.emulator import GuildHandle, MemberHandle


def fields(reply) -> dict[str, str]:
    return {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}


async def board_value(member: MemberHandle, kind: str, period: str) -> str:
    reply = await member.slash("leaderboard", type=kind, period=period)
    return reply.embeds[0]["footer"]["text"].split(" · ")[0]


async def test_balance_leaderboards_and_stats_agree_after_a_reconnect(
    harness, connected, admin: MemberHandle, guild: GuildHandle, alice: MemberHandle, general, clock: ManualClock
) -> None:
    await alice.say(general, "gm everyone")  # 25
    await alice.slash("daily")  # 20
    await harness.emu.settle()
    clock.advance(minutes=5)
    assert "Disconnected" in (await admin.slash("setup disconnect")).content
    clock.advance(minutes=5)
    await admin.slash("setup connect", brand_id=connected.brand_id, security_key=connected.security_key)
    clock.advance(minutes=5)
    await alice.say(general, "gn all")  # 15, the only payout since the reconnect
    await harness.emu.settle()

    mine = fields(await alice.slash("balance"))
    assert (mine["Earned"], mine["Available"], mine["Today"], mine["Rank"]) == ("15", "15", "15", "#1 of 1")
    for period in ("all", "month", "week"):
        assert await board_value(alice, "ltz_earned", period) == "Your rank: #1 (15)", period
        assert await board_value(alice, "claims", period) == "Your rank: #1 (1)", period
        assert await board_value(alice, "activity", period) == "Your rank: #1 (1)", period
    for period in ("day", "week", "month"):
        stats = fields(await admin.slash("stats", period=period))
        assert (stats["LTZ paid"], stats["Payouts"], stats["Earning members"]) == ("15", "1", "1"), period
