"""Voice time through the real bot: what counts, sessions across restarts and crashes, /voice check and claim."""

from __future__ import annotations

from pathlib import Path

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import TOKEN, Harness, running_bot
from loyalteez.services.access import brands
from loyalteez.store._tables import ScopedTables
from tests.conftest import REPORT
from tests.store.raw import tables


async def scoped(harness: Harness) -> ScopedTables:
    """The connected server's rows, read directly to check what the commands wrote."""
    return tables(harness.app.store.scoped(await harness.app.services.setup.scope_for(str(harness.guild.id))))


async def voice_minutes(harness: Harness, member: MemberHandle) -> int:
    row = await tables(await scoped(harness)).get("discord_user_stats", {"discord_user_id": str(member.id)})
    return int(row["voice_minutes"]) if row else 0


async def step(harness: Harness, minutes: float) -> None:
    """Let the bot see what just happened, then let `minutes` pass."""
    await harness.emu.settle()
    harness.clock.advance(minutes=minutes)
    await harness.emu.settle()


async def test_alone_deafened_and_afk_do_not_count_muted_does(
    harness: Harness, connected, emu: Emulator, guild: GuildHandle, alice: MemberHandle
) -> None:
    lounge, bob, music = guild.channel("lounge"), guild.member("bob"), guild.member("musicbot", bot=True)
    await alice.join_voice(lounge)
    await music.join_voice(lounge)  # a bot is not company
    await step(harness, 10)  # alice alone: 0
    await bob.join_voice(lounge)
    await alice.set_voice(self_mute=True)  # muted still counts: listening is taking part
    await step(harness, 10)  # both: 10 each
    await bob.set_voice(self_deaf=True)
    await step(harness, 10)  # bob deafened: 0 for bob; alice still has a human with her: 10
    await bob.set_voice(self_deaf=False)
    await alice.go_afk()
    await step(harness, 10)  # alice in the AFK channel, bob alone: 0 each
    check = await alice.slash("voice check")
    assert "AFK channel" in check.content and check.ephemeral
    await alice.join_voice(lounge)
    await step(harness, 10)  # both again: 10 each
    await alice.leave_voice()
    await bob.leave_voice()
    await music.leave_voice()
    await emu.settle()
    assert await voice_minutes(harness, alice) == 30
    assert await voice_minutes(harness, bob) == 20
    assert await voice_minutes(harness, music) == 0
    sessions = await tables(await scoped(harness)).select(
        "loyalteez_voice_sessions", {"discord_user_id": str(alice.id)}
    )
    assert len(sessions) == 1, "going AFK and coming back is one session"
    assert sessions[0]["minutes"] == 30 and sessions[0]["ended_at"] == harness.clock.now()


async def test_moving_between_channels_keeps_one_session_and_minutes_add_up_exactly(
    harness: Harness, connected, emu: Emulator, guild: GuildHandle, alice: MemberHandle
) -> None:
    bob, lounge, studio = guild.member("bob"), guild.channel("lounge"), guild.create_voice_channel("studio")
    await alice.join_voice(lounge)
    await bob.join_voice(lounge)
    await step(harness, 7.5)
    await alice.move_voice(studio)
    await bob.move_voice(studio)
    await step(harness, 12.75)
    await alice.leave_voice()
    await bob.leave_voice()
    await emu.settle()
    data = await scoped(harness)
    assert await tables(data).count("loyalteez_voice_sessions") == 2, "one session each, whatever the channel"
    # 7.5 + 12.75 = 20.25 minutes: 20 credited now, the 15 seconds carried to the next session.
    assert await voice_minutes(harness, alice) == 20
    await alice.join_voice(lounge)
    await bob.join_voice(lounge)
    await step(harness, 9.75)  # 15 s + 9 min 45 s = 10 more whole minutes
    await alice.leave_voice()
    await emu.settle()
    assert await voice_minutes(harness, alice) == 30
    await bob.leave_voice()


async def test_voice_claim_pays_per_30_minutes_within_the_daily_cap(
    harness: Harness, connected, emu: Emulator, guild: GuildHandle, alice: MemberHandle
) -> None:
    bob, lounge = guild.member("bob"), guild.channel("lounge")
    empty = await alice.slash("voice claim")
    assert empty.ephemeral and "Nothing to claim yet" in empty.content
    await alice.join_voice(lounge)
    await bob.join_voice(lounge)
    await step(harness, 70)
    check = await alice.slash("voice check")
    assert "70 counted minute(s) this session (counting now)" in check.content
    assert "**2** payout(s) ready" in check.content
    claim = await alice.slash("voice claim")  # mid-session: the minutes so far count
    assert "You earned **25 LTZ** for 30 voice minutes" in claim.content
    assert "today's limit" in claim.content and "1 more payout(s) wait" in claim.content
    again = await alice.slash("voice claim")
    assert "You earned" not in again.content and "today's limit" in again.content
    await alice.leave_voice()
    await bob.leave_voice()
    await emu.settle()
    harness.clock.advance(days=1)
    nextday = await alice.slash("voice claim")
    assert "You earned **25 LTZ**" in nextday.content
    assert "10/30" in (await alice.slash("voice claim")).content
    ledger = await tables(await scoped(harness)).select(
        "loyalteez_reward_ledger", {"event_type": "voice_activity", "discord_user_id": str(alice.id)}
    )
    assert sorted(r["idempotency_key"].rsplit(":", 1)[1] for r in ledger) == ["0", "30"]


async def test_an_admin_sets_the_voice_payout_rate_and_members_are_paid_by_it(
    harness: Harness, connected, guild: GuildHandle, admin: MemberHandle, alice: MemberHandle
) -> None:
    bad = await admin.slash("config events", {"action": "edit", "name": "voice_activity", "minutes-per-payout": 0})
    assert bad.ephemeral and bad.content == "`minutes-per-payout` must be from 1 to 1,440 minutes."
    wrong = await admin.slash("config events", {"action": "edit", "name": "gm_checkin", "minutes-per-payout": 10})
    assert wrong.ephemeral and "doesn't apply to the gm_greeting trigger" in wrong.content
    done = await admin.slash("config events", {"action": "edit", "name": "voice_activity", "minutes-per-payout": 10})
    assert "per 10 counted minutes" in done.content, done.content
    bob, lounge = guild.member("bob"), guild.channel("lounge")
    await alice.join_voice(lounge)
    await bob.join_voice(lounge)
    await step(harness, 25)
    claim = await alice.slash("voice claim")  # 25 minutes: 2 payouts ready, the default cap pays 1 a day
    assert "You earned **25 LTZ** for 10 voice minutes" in claim.content, claim.content
    assert "1 more payout(s) wait" in claim.content


async def connect(h: Harness) -> None:
    brand = await brands.create_brand(h.app.store, "Voice Co")
    admin = h.guild.member("boss", permissions=["manage_guild"])
    reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content


async def test_a_session_survives_a_restart_without_losing_or_double_counting(
    tmp_path: Path, clock: ManualClock
) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        await connect(h)
        alice, bob = h.guild.member("alice"), h.guild.member("bob")
        await alice.join_voice(h.guild.channel("lounge"))
        await bob.join_voice(h.guild.channel("lounge"))
        await step(h, 20)
    clock.advance(minutes=5)  # the bot is down: nobody can tell what happened, so it does not count
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        await h.emu.settle()  # GUILD_CREATE carried alice and bob's voice states: their sessions resume
        await step(h, 25)
        await alice.leave_voice()
        await bob.leave_voice()
        await h.emu.settle()
        assert await voice_minutes(h, alice) == 45 and await voice_minutes(h, bob) == 45
        data = await scoped(h)
        assert await tables(data).count("loyalteez_voice_sessions") == 2, "resumed, not restarted"
        assert await tables(data).count("loyalteez_voice_sessions", {"ended_at": None}) == 0
    REPORT["voice across a restart"] = "20 min before + 25 after (5 min down, not counted) = 45 min credited, 1 session"


async def test_a_session_left_open_by_a_crash_closes_when_last_seen(tmp_path: Path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        await connect(h)
        alice, bob = h.guild.member("alice"), h.guild.member("bob")
        await alice.join_voice(h.guild.channel("lounge"))
        await bob.join_voice(h.guild.channel("lounge"))
        await step(h, 12)  # the heartbeat (a clock-driven job) stamps the sessions live at +12 min

        async def crashed() -> None:  # from here on the process is "dead": no more heartbeats
            return None

        h.app.services.voice.heartbeat = crashed
        clock.advance(minutes=30)
    await alice.leave_voice()  # while the bot is down
    clock.advance(minutes=10)
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        await h.emu.settle()
        assert await voice_minutes(h, alice) == 12, "closed at the last moment it was known live"
        await step(h, 5)  # bob is still there but alone now: his resumed session does not count
        await bob.leave_voice()
        await h.emu.settle()
        assert await voice_minutes(h, bob) == 12
    REPORT["voice after a crash"] = "last heartbeat at +12 min, crash at +42: 12 min credited, closed when last seen"
