"""/daily, /streak and /config streaks through the real bot, with the suite's ManualClock moving the days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.services import texts
from loyalteez.store._tables import ScopedTables
from tests.conftest import REPORT
from tests.e2e.test_bad_input import snapshot
from tests.store.raw import tables

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


async def earned(member: MemberHandle) -> int:
    reply = await member.slash("balance")
    return int(next(f["value"] for f in reply.embeds[0]["fields"] if f["name"] == "Earned").replace(",", ""))


async def scoped(harness: Harness) -> ScopedTables:
    """The connected server's rows, read directly to check what the commands wrote."""
    return tables(harness.app.store.scoped(await harness.app.services.setup.scope_for(str(harness.guild.id))))


def at(harness: Harness, day: int, hour: float) -> None:
    harness.clock.set(MONDAY + timedelta(days=day, hours=hour))


async def test_a_streak_goes_on_across_midnight_and_pays_once_a_day(
    harness: Harness, connected, alice: MemberHandle
) -> None:
    at(harness, 0, 23.8)  # Monday 23:48 UTC
    first = await alice.slash("daily")
    assert first.ephemeral
    assert "You earned **20 LTZ** for `daily_checkin`" in first.content
    assert "Streak: **1 day**" in first.content and "×1 on every reward" in first.content
    assert "Next milestone: **7 days** (50 LTZ), 6 days to go." in first.content
    assert "Next check-in opens <t:" in first.content

    again = await alice.slash("daily")
    assert "already checked in today" in again.content and "Come back <t:" in again.content
    midnight = int((MONDAY + timedelta(days=1)).timestamp())
    assert f"<t:{midnight}:R>" in again.content, "a second /daily says when the next check-in opens"
    assert await earned(alice) == 20, "a second /daily the same day pays nothing"

    harness.clock.advance(minutes=20)  # Tuesday 00:08: a new UTC day
    second = await alice.slash("daily")
    assert "Streak: **2 days**" in second.content and "20 LTZ" in second.content
    at(harness, 2, 21)  # Wednesday evening: day 3 of the streak, ×1.1
    third = await alice.slash("daily")
    assert "Streak: **3 days**" in third.content and "×1.1 on every reward" in third.content
    assert "You earned **22 LTZ**" in third.content and "×1.1 streak" in third.content
    assert await earned(alice) == 62

    data = await scoped(harness)
    row = await tables(data).get("discord_user_streaks", {"discord_user_id": str(alice.id)})
    assert (row["current_streak"], row["longest_streak"]) == (3, 3)
    assert row["last_checkin"] == MONDAY + timedelta(days=2, hours=21)
    assert await tables(data).count("loyalteez_daily_checkins") == 3


async def test_missed_day_restarts_and_the_grace_period_is_configurable(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle
) -> None:
    at(harness, 0, 12)
    await alice.slash("daily")
    at(harness, 1, 23.99)  # Tuesday 23:59: inside the default 24 h grace after Monday's end
    assert "Streak: **2 days**" in (await alice.slash("daily")).content
    at(harness, 3, 0.01)  # Thursday 00:00:36: Wednesday was missed, Tuesday's grace ended at midnight
    reply = await alice.slash("daily")
    assert "Streak: **1 day** (your last streak ran out, so a new one starts)" in reply.content
    assert "longest 2 days" in reply.content

    changed = await admin.slash("config streaks", {"grace-period": 48})
    assert "Grace period: 48 h" in changed.content
    at(harness, 5, 10)  # Saturday: Friday skipped, but 48 h after Thursday's end is Sunday 00:00
    assert "Streak: **2 days**" in (await alice.slash("daily")).content
    shown = await alice.slash("streak")
    assert "Your streak: **2 days** (longest 2 days)" in shown.content
    audit = await tables(await scoped(harness)).select("discord_audit_log", {"action": "config.streaks"})
    assert len(audit) == 1 and audit[0]["after_state"]["streaks"]["grace_hours"] == 48


async def test_the_streak_multiplier_applies_to_other_rewards_until_the_streak_runs_out(
    harness: Harness, connected, emu: Emulator, alice: MemberHandle, general
) -> None:
    for day in range(3):
        at(harness, day, 8)
        await alice.slash("daily")
    before = await earned(alice)
    await alice.say(general, "gm everyone")  # gm_checkin pays 25; day 3 of the streak: ×1.1 = 27.5 → 28
    await emu.settle()
    assert await earned(alice) - before == 28
    ledger = await tables(await scoped(harness)).select("loyalteez_reward_ledger", {"event_type": "gm_checkin"})
    assert ledger[0]["details"]["streak_multiplier"] == 1.1

    at(harness, 5, 8)  # no check-in since Wednesday: the streak ran out, and its bonus with it
    before = await earned(alice)
    await alice.say(general, "gm")
    await emu.settle()
    assert await earned(alice) - before == 25
    status = await alice.slash("streak")
    assert "No live streak" in status.content and "×1 on every reward" in status.content


async def test_milestones_are_claimed_once_and_the_leaderboard_ranks_live_streaks(
    harness: Harness, connected, guild: GuildHandle, alice: MemberHandle
) -> None:
    bob = guild.member("bob")
    for day in range(7):
        at(harness, day, 9)
        await alice.slash("daily")
        if day >= 4:
            await bob.slash("daily")
    status = await alice.slash("streak")
    assert "Ready to claim: 7 days (50 LTZ)" in status.content
    assert "×1.25 on every reward" in status.content and "×1.5 from day 14" in status.content
    before = await earned(alice)

    claimed = await alice.slash("streak", action="claim", milestone=7)
    assert "7 days milestone: You earned **50 LTZ** for `streak_milestone`" in claimed.content
    assert await earned(alice) == before + 50
    twice = await alice.slash("streak", action="claim", milestone=7)
    assert "already claimed the 7 days milestone" in twice.content
    early = await alice.slash("streak", action="claim", milestone=30)
    assert "needs a 30 days streak" in early.content
    nothing = await alice.slash("streak", action="claim")
    assert "Nothing to claim yet" in nothing.content
    assert await earned(alice) == before + 50, "claimed once, whatever is asked after"
    assert "Claimed: 7 days." in (await alice.slash("streak")).content

    board = await bob.slash("streak", action="leaderboard")
    assert not board.ephemeral
    lines = board.embeds[0]["description"].splitlines()
    assert lines[0].startswith("🥇") and f"<@{alice.id}>" in lines[0] and "**7 days**" in lines[0]
    assert f"<@{bob.id}>" in lines[1] and "**3 days**" in lines[1]


async def test_streak_settings_bad_input_and_dm_change_nothing(
    harness: Harness, connected, admin: MemberHandle, alice: MemberHandle
) -> None:
    await alice.slash("daily")
    cases = [
        (admin, "config streaks", {"grace-period": 0}, "1 to 72"),
        (admin, "config streaks", {"grace-period": 73}, "1 to 72"),
        (admin, "config streaks", {"multipliers": "3:9"}, "1.0 to 5.0"),
        (admin, "config streaks", {"multipliers": "7:1.5, 14:1.2"}, "smaller factor"),
        (admin, "config streaks", {"multipliers": "three days"}, "day:value"),
        (admin, "config streaks", {"milestones": "7:0"}, "1 to 10,000"),
        (admin, "config streaks", {"milestones": "7:50, 7:60"}, "twice"),
        (admin, "config streaks", {"milestones": "0:50"}, "1 to 3,650"),
        (admin, "config streaks", {"grace-period": 48, "milestones": "oops"}, "day:value"),
        (alice, "config streaks", {"grace-period": 48}, "full_admin"),
        (alice, "streak", {"action": "claim", "milestone": 8}, "must be one of 7, 30, 100, 365"),
    ]
    failures = []
    for who, command, options, expected in cases:
        before = snapshot(harness.db_path)
        reply = await who.slash(command, options)
        if not reply.ephemeral or expected.lower() not in reply.content.lower() or len(reply.content) > 300:
            failures.append(f"/{command} {options}: {reply.content!r}")
        if snapshot(harness.db_path) != before:
            failures.append(f"/{command} {options}: changed the database")
    before = snapshot(harness.db_path)
    dm = await alice.dm_slash("daily")
    if dm.content != texts.DM_NEEDS_SERVER or snapshot(harness.db_path) != before:
        failures.append(f"/daily in DMs: {dm.content!r}")
    REPORT["streak bad inputs refused with nothing changed"] = f"{len(cases) + 1 - len(failures)}/{len(cases) + 1}"
    assert not failures, "\n".join(failures)
    shown = await admin.slash("config streaks")
    assert "Grace period: 24 h" in shown.content and "×1.1 from day 3" in shown.content


async def test_servers_connected_before_daily_checkin_existed_get_it_on_the_next_start(tmp_path, clock) -> None:
    from loyalteez.emulator.harness import TOKEN, running_bot
    from loyalteez.services.access import brands

    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        brand = await brands.create_brand(h.app.store, "Old Timers")
        admin = h.guild.member("boss", permissions=["manage_guild"])
        await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
        await admin.slash("config reward", event="voice_activity", amount=40)  # an admin's edit must survive
        # As an older release left it: connected without the events added since.
        await h.app.store.db.execute(
            "DELETE FROM monitoring_rules WHERE event_type IN ('daily_checkin', 'streak_milestone', 'level_up')"
        )
        refused = await h.guild.member("alice").slash("daily")
        assert "There is no event called `daily_checkin`" in refused.content
    async with running_bot(tmp_path, clock=clock, emulator=emu) as h:
        alice = h.guild.member("alice")
        clock.advance(days=1)
        assert "You earned **20 LTZ** for `daily_checkin`" in (await alice.slash("daily")).content
        listed = (await h.guild.member("boss").slash("config events", action="list")).content
        assert "**level_up** (off)" in listed and "**voice_activity** (on): 40 LTZ" in listed
