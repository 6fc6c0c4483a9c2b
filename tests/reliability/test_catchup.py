"""Catch-up after downtime, end to end: what members said while the bot was away pays once, never twice."""

from __future__ import annotations

from datetime import UTC, datetime

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN, running_bot
from tests.conftest import REPORT
from tests.reliability.helpers import connect, cursors, duplicate_keys, messages_counted, payouts, query, snapshot


async def test_messages_posted_while_the_bot_was_down_pay_once(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        await connect(h)
        general = h.guild.channel("general")
        alice, bob, carol, dave = (h.guild.member(n) for n in ("alice", "bob", "carol", "dave"))
        await alice.say(general, "gm")
        await h.settle()
    db = h.db_path
    assert payouts(db, "gm_checkin") == {str(alice.id): 1}

    clock.advance(minutes=30)  # the bot is down: members go on talking
    await bob.say(general, "gm fam")
    await carol.say(general, "good morning everyone")
    await alice.say(general, "gm again")  # her greeting of the day was already paid
    for n in range(230):  # more than two pages of history
        await dave.say(general, f"chatting away {n}")
    last = max(emu.world.channel_messages[general.id])
    clock.advance(minutes=5)

    async with running_bot(tmp_path, emulator=emu, clock=clock) as h2:
        report = h2.app.services.catchup.reports
    assert payouts(db, "gm_checkin") == {str(alice.id): 1, str(bob.id): 1, str(carol.id): 1}
    assert messages_counted(db) == {str(alice.id): 2, str(bob.id): 1, str(carol.id): 1, str(dave.id): 230}
    assert cursors(db) == {str(general.id): last}
    assert sum(r.fetched for r in report) == 233 and sum(r.paid for r in report) == 2
    caught = query(db, "SELECT created_at FROM loyalteez_reward_ledger WHERE discord_user_id = ?", (str(bob.id),))
    assert caught[0][0].startswith("2026-03-02T12:30:00"), "timed by the message, not by the restart"

    before = snapshot(db)
    async with running_bot(tmp_path, emulator=emu, clock=clock):
        pass
    after = snapshot(db)
    assert after == before, "a second restart fetched nothing new and changed nothing"
    assert not duplicate_keys(db)
    REPORT["catch-up after downtime"] = "233 messages missed: 2 greetings paid once, 0 on a second restart"


async def test_a_restart_across_midnight_pays_each_day_its_greeting(tmp_path) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        await connect(h)
        general, alice = h.guild.channel("general"), h.guild.member("alice")
    clock.advance(minutes=30)
    await alice.say(general, "gm night owls")  # 23:30, still the 2nd
    clock.advance(hours=1)
    await alice.say(general, "gm")  # 00:30 on the 3rd
    clock.advance(hours=2)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        pass
    days = query(h.db_path, "SELECT substr(created_at, 1, 16) FROM loyalteez_reward_ledger ORDER BY created_at")
    assert [d[0] for d in days] == ["2026-03-02T23:30", "2026-03-03T00:30"]


async def test_the_window_bounds_how_far_back(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        await connect(h)
        general, alice, bob = h.guild.channel("general"), h.guild.member("alice"), h.guild.member("bob")
    clock.advance(hours=1)
    await alice.say(general, "gm")  # 25 hours before the restart: outside the default 24 h window
    clock.advance(hours=25)
    await bob.say(general, "gm")
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        pass
    assert payouts(h.db_path, "gm_checkin") == {str(bob.id): 1}


async def test_unreadable_channels_are_skipped_and_others_caught_up(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        await connect(h)
        secret = h.guild.create_text_channel("secret")
        h.guild.set_permissions(secret, h.guild.bot_role, deny=["read_message_history"])
        general, alice, bob = h.guild.channel("general"), h.guild.member("alice"), h.guild.member("bob")
    await alice.say(secret, "gm")
    await bob.say(general, "gm")
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        assert not emu.requests_to("GET", "/channels/{channel_id}/messages") or all(
            str(secret.id) not in r.path for r in emu.requests_to("GET", "/channels/{channel_id}/messages")
        )
    assert payouts(h.db_path, "gm_checkin") == {str(bob.id): 1}


async def test_messages_before_the_server_was_connected_never_pay(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        general, alice = h.guild.channel("general"), h.guild.member("alice")
        await alice.say(general, "gm before anyone connected the server")
        await h.settle()
        clock.advance(minutes=10)
        await connect(h)
    clock.advance(minutes=10)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        pass
    assert payouts(h.db_path) == {}


async def test_catch_up_is_off_with_a_zero_window(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        await connect(h)
        general, alice = h.guild.channel("general"), h.guild.member("alice")
    await alice.say(general, "gm")

    from loyalteez.app import build_app
    from loyalteez.settings import Settings

    async def no_catchup(emu_, db_path, clock_, options):
        settings = Settings(
            discord_token=TOKEN, db_path=str(db_path), discord_api_base=emu_.api_base_url, catchup_hours=0
        )
        return await build_app(settings, clock=clock_, bot_options=options)

    async with running_bot(tmp_path, emulator=emu, clock=clock, app_factory=no_catchup):
        pass
    assert payouts(h.db_path) == {}


async def test_boosts_and_level_ups_announced_while_down_pay_once_after_restart(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        admin = h.guild.member("boss", permissions=["manage_guild"])
        await connect(h, admin)
        assert "now on" in (await admin.slash("config events", action="toggle", name="level_up")).content
        general, alice, bob = h.guild.channel("general"), h.guild.member("alice"), h.guild.member("bob")
        mee6 = h.guild.member("MEE6", bot=True)
        await h.settle()
    clock.advance(minutes=20)  # the bot is down
    await alice.boost()
    await mee6.say(general, f"GG {bob.mention}, you just advanced to level 3!")
    clock.advance(minutes=5)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        pass
    db = h.db_path
    assert payouts(db, "server_boost") == {str(alice.id): 1}
    assert payouts(db, "level_up") == {str(bob.id): 1}
    before = snapshot(db)
    async with running_bot(tmp_path, emulator=emu, clock=clock):
        pass
    assert snapshot(db) == before, "fetched again on a second restart: nothing pays twice"
    assert not duplicate_keys(db)
