"""Daily KPI figures that depend on when things happened: test-mode check-ins, voice across midnight, and the
members segments place by what they did (or did not do).

Each test drives the real bot through the emulator with the suite's ManualClock (Monday 2 March 2026, 12:00)
and reads what an admin reads: the daily snapshots the 00:00 job writes, or /segments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.store import ScopedData
from tests.store.raw import tables

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


async def scoped(harness: Harness) -> ScopedData:
    scope = await harness.app.services.setup.scope_for(str(harness.guild.id))
    assert scope is not None
    return harness.app.store.scoped(scope)


async def daily_snapshots(data: ScopedData) -> dict[date, dict]:
    return {r.snapshot_date: r.metrics for r in await data.kpi.snapshots("daily")}


async def two_in_voice_from_monday_2340(emu: Emulator, guild: GuildHandle, clock) -> tuple[MemberHandle, MemberHandle]:
    """Ann and Ben earn on Monday afternoon, then sit in voice from 23:40: the start of every midnight case."""
    general, lounge = guild.channel("general"), guild.create_voice_channel("lounge")
    ann, ben = guild.member("ann"), guild.member("ben")
    clock.set(MONDAY + timedelta(hours=13))
    await ann.say(general, "gm")
    await ben.say(general, "gm")
    clock.set(MONDAY + timedelta(hours=23, minutes=40))
    await ann.join_voice(lounge)
    await ben.join_voice(lounge)
    await emu.settle()
    return ann, ben


async def test_a_test_mode_check_in_is_absent_from_every_streak_kpi(
    harness, emu: Emulator, guild: GuildHandle, admin: MemberHandle, alice: MemberHandle, connected, clock
) -> None:
    """Monday real, Tuesday in test mode, Wednesday real: for the KPIs Tuesday's check-in never happened."""
    clock.set(MONDAY + timedelta(hours=12))
    assert "Streak: **1 day**" in (await alice.slash("daily")).content
    clock.set(MONDAY + timedelta(days=1, hours=10))
    assert "Test mode is on" in (await admin.slash("config test-mode", enable=True)).content
    assert "Streak: **2 days**" in (await alice.slash("daily")).content
    assert "Test mode is off" in (await admin.slash("config test-mode", enable=False)).content
    clock.set(MONDAY + timedelta(days=2, hours=10))
    reply = await alice.slash("daily")
    assert "Streak: **3 days**" in reply.content, "the member's own streak counts the test check-in (README)"
    clock.set(MONDAY + timedelta(days=3, minutes=1))
    await emu.settle()
    snaps = await daily_snapshots(await scoped(harness))
    tuesday, wednesday = snaps[date(2026, 3, 3)], snaps[date(2026, 3, 4)]
    assert tuesday["streak_retention"] == 0.0, "Monday's streak was not kept by a real check-in on Tuesday"
    assert wednesday["avg_streak_length"] == 1.0, "Wednesday's real check-in starts a new streak for the KPIs"


async def test_voice_across_midnight_counts_on_both_days(
    harness, emu: Emulator, guild: GuildHandle, connected, clock
) -> None:
    """In voice 23:40 -> 00:20: 20 minutes on Monday, 20 on Tuesday, and both days have voice participation."""
    general = guild.channel("general")
    ann, ben = await two_in_voice_from_monday_2340(emu, guild, clock)
    clock.set(MONDAY + timedelta(days=1, minutes=20))
    await ann.leave_voice()
    await ben.leave_voice()
    await emu.settle()
    clock.set(MONDAY + timedelta(days=1, hours=13))
    await ann.say(general, "gm")
    await ben.say(general, "gm")
    clock.set(MONDAY + timedelta(days=2, minutes=1))
    await emu.settle()
    data = await scoped(harness)
    rollups = await tables(data).select("loyalteez_activity_daily")
    minutes = {(str(r["day"])[:10], r["discord_user_id"]): r["voice_minutes"] for r in rollups}
    assert minutes == {
        ("2026-03-02", str(ann.id)): 20,
        ("2026-03-02", str(ben.id)): 20,
        ("2026-03-03", str(ann.id)): 20,
        ("2026-03-03", str(ben.id)): 20,
    }
    snaps = await daily_snapshots(data)
    assert snaps[date(2026, 3, 2)]["voice_participation"] == 1.0, "Monday: both earned and were in voice"
    assert snaps[date(2026, 3, 3)]["voice_participation"] == 1.0


async def test_a_voice_stay_still_open_at_the_midnight_snapshot_counts_for_the_day_that_ended(
    harness, emu: Emulator, guild: GuildHandle, connected, clock
) -> None:
    """In voice from 23:40, still there when the 00:00 job writes Monday's snapshot, out at 00:20."""
    ann, ben = await two_in_voice_from_monday_2340(emu, guild, clock)
    clock.set(MONDAY + timedelta(days=1, seconds=30))
    await emu.settle()  # the 00:00 job
    data = await scoped(harness)
    monday = (await daily_snapshots(data))[date(2026, 3, 2)]
    assert monday["voice_participation"] == 1.0, "Monday's 20 minutes are in Monday's snapshot"
    clock.set(MONDAY + timedelta(days=1, minutes=20))
    await ann.leave_voice()
    await ben.leave_voice()
    await emu.settle()
    rollups = await tables(data).select("loyalteez_activity_daily")
    minutes = {(str(r["day"])[:10], r["discord_user_id"]): r["voice_minutes"] for r in rollups}
    assert minutes == {
        ("2026-03-02", str(ann.id)): 20,
        ("2026-03-02", str(ben.id)): 20,
        ("2026-03-03", str(ann.id)): 20,
        ("2026-03-03", str(ben.id)): 20,
    }
    stats = await tables(data).select("discord_user_stats")
    assert sorted(r["voice_minutes"] for r in stats) == [40, 40], "the members' totals are whole"


async def test_a_member_who_joined_and_never_did_anything_is_new_then_dormant(
    harness, emu: Emulator, guild: GuildHandle, admin: MemberHandle, connected, clock
) -> None:
    """New in their first week; after it, never active counts as dormant (README: Member segments)."""
    await emu.settle()
    fay = guild.member("fay")  # joins now and never says a word
    await emu.settle()

    async def counts() -> dict[str, str]:
        reply = await admin.slash("segments")
        return {f["name"].split(" (")[0]: f["value"].split("**")[1] for f in reply.embeds[0]["fields"]}

    first = await counts()
    assert (first["New"], first["Dormant"]) == ("1", "0")
    clock.set(MONDAY + timedelta(days=8))
    later = await counts()
    assert (later["New"], later["At risk"], later["Dormant"]) == ("0", "0", "1"), later
    page = await admin.slash("segments", view="dormant")
    assert f"<@{fay.id}> — never active since joining" in page.embeds[0]["description"]
