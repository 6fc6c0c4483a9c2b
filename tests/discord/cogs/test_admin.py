"""/reward, /audit and /stats through the real client."""

from __future__ import annotations

from loyalteez.emulator import MemberHandle
from loyalteez.emulator.harness import Harness
from tests.discord.cogs.test_config import balance


async def test_manual_reward_is_paid_and_audited(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle
) -> None:
    await admin.slash("config events", action="create", name="bug_report", reward=100, trigger="none")
    reply = await admin.slash("reward", member=alice, event="bug_report", amount=250, reason="found a real bug")
    assert "250 LTZ" in reply.content
    assert await balance(alice) == 250
    audit = await admin.slash("audit", type="rewards")
    assert "rewards.manual_reward" in audit.content and str(alice.id) in audit.content
    exported = await admin.slash("audit", export=True)
    name, body = exported.files[0]
    assert name == "audit.csv" and b"rewards.event_created" in body
    stats = await admin.slash("stats", period="day", breakdown="events")
    assert "250" in str(stats.embeds)
