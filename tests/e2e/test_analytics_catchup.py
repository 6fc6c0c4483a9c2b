"""Snapshots and alerts written at a restart or across a gateway RESUME count what the bot catches up.

Restarts are real: the App is closed and a new one opened on the same database (a SQLite file, or a
PostgreSQL schema of the test's own) and the same emulator, while the ManualClock moves on. A DAU target of 2
(yesterday, alert below 100 %) makes a wrong snapshot visible as an alert in the admin channel.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN, Harness, app_factory, running_bot
from loyalteez.emulator.state import Channel
from loyalteez.services.access import brands
from loyalteez.store import ScopedData
from tests.conftest import pg_store_schema

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
Start = Callable[[], AbstractAsyncContextManager[Harness]]


@asynccontextmanager
async def bots(tmp_path: Path, engine: str, emu: Emulator, clock: ManualClock) -> AsyncIterator[Start]:
    """Start (and restart) the bot on one database and one emulator."""

    def on(url: str | None) -> Start:
        factory = app_factory(database_url=url) if url else app_factory()

        @asynccontextmanager
        async def start() -> AsyncIterator[Harness]:
            async with running_bot(tmp_path, emulator=emu, clock=clock, app_factory=factory) as h:
                await h.emu.settle()
                yield h

        return start

    if engine == "postgres":
        async with pg_store_schema() as url:
            yield on(url)
    else:
        yield on(None)


async def connect_with_target(h: Harness) -> Channel:
    """Connect the server, send alerts to #alerts and aim for 2 daily active members."""
    admin = h.guild.member("boss", permissions=["manage_guild"])
    brand = await brands.create_brand(h.app.store, "Acme Coffee")
    reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content, reply.content
    alerts = h.guild.create_text_channel("alerts")
    await h.emu.settle()
    await admin.slash("config admin-channel", channel=alerts)
    reply = await admin.slash(
        "kpi set", {"metric": "daily_active_users", "target": "2", "period": "day", "alert-threshold": 100}
    )
    assert "target 2" in reply.content, reply.content
    return alerts


async def daily(h: Harness) -> dict[date, dict]:
    scope = await h.app.services.setup.scope_for(str(h.guild.id))
    assert scope is not None
    data: ScopedData = h.app.store.scoped(scope)
    return {r.snapshot_date: r.metrics for r in await data.kpi.snapshots("daily")}


async def test_a_restart_after_midnight_snapshots_the_greetings_it_catches_up(tmp_path: Path, engine: str) -> None:
    """Down at 22:00, two greetings at 23:00, up at 00:30: Monday's snapshot has both."""
    clock = ManualClock(MONDAY + timedelta(hours=12))
    emu = Emulator(token=TOKEN, clock=clock)
    async with bots(tmp_path, engine, emu, clock) as start:
        async with start() as h:
            alerts = await connect_with_target(h)
            clock.set(MONDAY + timedelta(hours=22))
        clock.set(MONDAY + timedelta(hours=23))
        general = h.guild.channel("general")
        await h.guild.member("ann").say(general, "gm")
        await h.guild.member("ben").say(general, "gm")
        clock.set(MONDAY + timedelta(days=1, minutes=30))
        async with start() as h:
            monday = (await daily(h))[date(2026, 3, 2)]
            assert (monday["daily_active_users"], monday["weekly_active_users"]) == (2, 2)
            assert monday["reward_efficiency"] == 25.0
            assert emu.sent_messages(alerts) == [], "no false 'DAU below target' alert"


async def test_a_greeting_replayed_after_midnight_on_resume_counts_in_its_day(tmp_path: Path, engine: str) -> None:
    """Offline from 23:59:50 to 00:01; ann's gm at 23:59:55 arrives on the RESUME and counts on Monday."""
    clock = ManualClock(MONDAY + timedelta(hours=12))
    emu = Emulator(token=TOKEN, clock=clock)
    async with bots(tmp_path, engine, emu, clock) as start, start() as h:
        alerts = await connect_with_target(h)
        general, ann, ben = h.guild.channel("general"), h.guild.member("ann"), h.guild.member("ben")
        await ben.say(general, "gm")
        await h.emu.settle()
        clock.set(MONDAY + timedelta(hours=23, minutes=59, seconds=50))
        async with emu.disconnected():
            clock.set(MONDAY + timedelta(hours=23, minutes=59, seconds=55))
            await ann.say(general, "gm")
            clock.set(MONDAY + timedelta(days=1, seconds=30))
            await h.app.wait_idle()  # the scheduler's 00:00 run, while the gateway is still down
            clock.set(MONDAY + timedelta(days=1, minutes=1))
        await h.emu.settle()
        monday = (await daily(h))[date(2026, 3, 2)]
        assert monday["daily_active_users"] == 2, "ann's 23:59:55 greeting is Monday's"
        assert emu.sent_messages(alerts) == [], "no false 'DAU below target' alert"


async def test_caught_up_days_post_a_recovery_and_a_new_alert_in_date_order(tmp_path: Path, engine: str) -> None:
    """DAU 1 on Monday (alert), 2 on Tuesday, 1 on Wednesday; down from Tuesday 11:00 to Thursday 09:00."""
    clock = ManualClock(MONDAY + timedelta(hours=9))
    emu = Emulator(token=TOKEN, clock=clock)
    async with bots(tmp_path, engine, emu, clock) as start:
        async with start() as h:
            alerts = await connect_with_target(h)
            general, ann, ben = h.guild.channel("general"), h.guild.member("ann"), h.guild.member("ben")
            clock.set(MONDAY + timedelta(hours=10))
            await ann.say(general, "gm")
            await h.emu.settle()
            clock.set(MONDAY + timedelta(days=1, hours=10))
            await ann.say(general, "gm")
            await ben.say(general, "gm")
            await h.emu.settle()
            clock.set(MONDAY + timedelta(days=1, hours=11))
            assert len(emu.sent_messages(alerts)) == 1, "Monday's alert, posted on Tuesday at 00:00"
        clock.set(MONDAY + timedelta(days=2, hours=10))
        await ann.say(general, "gm")
        clock.set(MONDAY + timedelta(days=3, hours=9))
        async with start() as h:
            posted = [m.content for m in emu.sent_messages(alerts)]
    assert len(posted) == 3, posted
    assert posted[0].startswith("⚠️ **KPI alert**") and "is **1** (yesterday)" in posted[0]
    assert posted[1].startswith("✅ **KPI recovered**") and "back to **2** (Tue 03 Mar;" in posted[1]
    assert posted[2].startswith("⚠️ **KPI alert**") and "is **1** (yesterday)" in posted[2]
