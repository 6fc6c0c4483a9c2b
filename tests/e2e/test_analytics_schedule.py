"""The analytics scheduler through the emulator: catch-up after downtime, alerts, and reports across restarts.

Restarts are real: the App is closed and a new one opened on the same database and the same emulator, while
the ManualClock moves on. Nothing sleeps: the scheduler runs when the clock has passed a fire time and the
emulator settles (and once at start-up, the catch-up).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN, Harness, running_bot
from loyalteez.services.access import brands
from loyalteez.store import ScopedData
from tests.store.raw import tables

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


@asynccontextmanager
async def bot(tmp_path: Path, emu: Emulator, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot (re)started on the same database and the same emulator."""
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        await h.emu.settle()
        yield h


async def connect(h: Harness) -> None:
    admin = h.guild.member("boss", permissions=["manage_guild"])
    brand = await brands.create_brand(h.app.store, "Acme Coffee")
    reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content, reply.content


async def scoped(h: Harness) -> ScopedData:
    scope = await h.app.services.setup.scope_for(str(h.guild.id))
    assert scope is not None
    return h.app.store.scoped(scope)


async def daily_snapshots(data: ScopedData) -> dict[date, dict]:
    return {r.snapshot_date: r.metrics for r in await data.kpi.snapshots("daily")}


async def test_three_days_down_give_three_correct_daily_snapshots_on_start(tmp_path: Path) -> None:
    clock = ManualClock(MONDAY + timedelta(hours=12))
    emu = Emulator(token=TOKEN, clock=clock)
    async with bot(tmp_path, emu, clock) as h:
        await connect(h)
        ann, ben, general = h.guild.member("ann"), h.guild.member("ben"), h.guild.channel("general")
        await ann.say(general, "gm")
        await ben.say(general, "gm")
        clock.set(MONDAY + timedelta(days=1, hours=9))
        await ann.say(general, "gm")
        await h.emu.settle()
        data = await scoped(h)
        assert sorted(await daily_snapshots(data)) == [date(2026, 3, 2)]
    clock.set(MONDAY + timedelta(days=4, hours=8))  # down Tuesday 09:00 to Friday 08:00
    async with bot(tmp_path, emu, clock) as h:
        data = await scoped(h)
        snaps = await daily_snapshots(data)
        assert sorted(snaps) == [date(2026, 3, d) for d in (2, 3, 4, 5)], "Tue, Wed and Thu caught up on start"
        tue, wed, thu = (snaps[date(2026, 3, d)] for d in (3, 4, 5))
        assert (tue["daily_active_users"], tue["weekly_active_users"]) == (1, 2)  # ann on Tue; ann, ben this week
        assert (wed["daily_active_users"], wed["weekly_active_users"], thu["weekly_active_users"]) == (0, 2, 2)
        assert thu["reward_efficiency"] == 37.5  # 75 LTZ over Mon-Thu / 2 members
        assert thu["voice_participation"] is None, "nobody active on Thursday: no share to give"
        runs = await tables(data).select(
            "discord_audit_log", {"action": "analytics.snapshots"}, order_by=("created_at",)
        )
        assert [r["actor_type"] for r in runs] == ["system", "system"]
        assert runs[-1]["details"]["written"] == ["2026-03-03 daily", "2026-03-04 daily", "2026-03-05 daily"]


async def test_an_alert_once_then_a_recovery(harness, emu, guild, admin, connected, clock) -> None:
    alerts = guild.create_text_channel("alerts")
    general = guild.channel("general")
    ann, ben = guild.member("ann"), guild.member("ben")
    await emu.settle()
    await admin.slash("config admin-channel", channel=alerts)
    reply = await admin.slash(
        "kpi set", {"metric": "daily_active_users", "target": "2", "period": "day", "alert-threshold": 100}
    )
    assert "target 2 (yesterday), alert below 100 %" in reply.content, reply.content
    plan = {0: ("ann", "ben"), 1: ("ann",), 2: ("ann",), 3: ("ann", "ben"), 4: ("ann", "ben")}
    for day, who in plan.items():
        clock.set(MONDAY + timedelta(days=day, hours=10))
        for member in (ann, ben):
            if member.name in who:
                await member.say(general, "gm")
        await emu.settle()
        if day == 2:
            listed = await admin.slash("kpi list")
            assert "alerting" in listed.content, listed.content
    clock.set(MONDAY + timedelta(days=5, hours=10))
    await emu.settle()
    posted = [m.content for m in emu.sent_messages(alerts)]
    assert len(posted) == 2, posted
    assert posted[0].startswith("⚠️ **KPI alert**") and "is **1**" in posted[0]  # Tuesday's DAU, sent Wed 00:00
    assert posted[1].startswith("✅ **KPI recovered**") and "back to **2**" in posted[1]  # Thursday's
    assert "alerting" not in (await admin.slash("kpi list")).content


async def test_a_weekly_report_is_sent_on_its_day_once_across_a_restart(tmp_path: Path) -> None:
    clock = ManualClock(MONDAY + timedelta(hours=12))
    emu = Emulator(token=TOKEN, clock=clock)
    async with bot(tmp_path, emu, clock) as h:
        await connect(h)
        reports, general = h.guild.create_text_channel("reports"), h.guild.channel("general")
        await h.emu.settle()
        admin = h.guild.member("boss")
        reply = await admin.slash("report schedule", {"frequency": "weekly", "channel": reports, "day-of-week": 0})
        assert "Weekly report every Monday at 00:05 UTC" in reply.content, reply.content
        for day in range(7):
            clock.set(MONDAY + timedelta(days=day, hours=10))
            for name in ("ann", "ben", "cat")[: 1 + day % 3]:
                await h.guild.member(name).say(general, "gm")
            await h.emu.settle()
        assert emu.sent_messages(reports) == [], "nothing before its day"
        clock.set(MONDAY + timedelta(days=7, minutes=4))
        await h.emu.settle()
        assert emu.sent_messages(reports) == [], "not before 00:05"
        clock.set(MONDAY + timedelta(days=7, minutes=6))
        await h.emu.settle()
        sent = emu.sent_messages(reports)
        assert len(sent) == 1
        embed = sent[0].embeds[0]
        assert embed["title"] == "📊 Weekly report · 02 Mar – 08 Mar 2026"
        assert embed["image"]["url"] == "attachment://activity.png"
        assert [a.filename for a in sent[0].attachments] == ["activity.png"]
        assert sent[0].attachments[0].data.startswith(b"\x89PNG")
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert fields["LTZ paid"] == "325 LTZ in 13 payouts"  # 1+2+3+1+2+3+1 gm over the week, 25 each
        assert "`daily_active_users`" in fields["KPIs (vs previous period, targets)"]
        assert "🥇 <@" in fields["Top earners"]
    clock.set(MONDAY + timedelta(days=7, hours=10))  # restarted the same Monday
    async with bot(tmp_path, emu, clock) as h:
        clock.set(MONDAY + timedelta(days=8, hours=1))
        await h.emu.settle()
        assert len(emu.sent_messages(reports)) == 1, "not again after the restart, nor the next day"
        shown = await h.guild.member("boss").slash("report show")
        assert "last sent" in shown.content
    clock.set(MONDAY + timedelta(days=23, hours=9))  # down from Tuesday to the Wednesday after two Mondays
    async with bot(tmp_path, emu, clock) as h:
        sent = emu.sent_messages(reports)
        assert len(sent) == 2, "the missed report is sent once on start, not once per missed Monday"
        assert sent[1].embeds[0]["title"] == "📊 Weekly report · 16 Mar – 22 Mar 2026"
        data = await scoped(h)
        audit = await tables(data).select("discord_audit_log", {"action": "analytics.report"})
        assert [r["details"]["status"] for r in audit] == ["sent", "sent"]
