"""/kpi, /segments and /report as admins meet them: bad input, an unwritable channel, paging, levels."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.store import ScopedData
from tests.store.raw import tables


async def scoped(harness, guild: GuildHandle) -> ScopedData:
    scope = await harness.app.services.setup.scope_for(str(guild.id))
    return harness.app.store.scoped(scope)


async def changes(data: ScopedData) -> tuple[int, int, int]:
    return (
        await tables(data).count("discord_kpi_configs"),
        await tables(data).count("discord_report_schedules"),
        await tables(data).count("discord_audit_log"),
    )


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"metric": "happiness", "target": "5"}, "`happiness` is not a KPI with targets; choose one of"),
        ({"metric": "avg_streak_length", "target": "5"}, "is not a KPI with targets"),
        ({"metric": "daily_active_users", "target": "-3"}, "give a number of 0 or more"),
        ({"metric": "daily_active_users", "target": "lots"}, "give a number, e.g. 25, 0.6 or 60%"),
        ({"metric": "churn_rate", "target": "1.5"}, "churn_rate is a share, so give 0–1"),
        ({"metric": "churn_rate", "target": "120%"}, "churn_rate is a share"),
        ({"metric": "daily_active_users", "target": "5", "alert-threshold": 0}, "from 1 to 100"),
        ({"metric": "daily_active_users", "target": "5", "alert-threshold": 101}, "from 1 to 100"),
    ],
)
async def test_kpi_set_refuses_bad_input_and_changes_nothing(harness, guild, admin, connected, options, says) -> None:
    data = await scoped(harness, guild)
    before = await changes(data)
    reply = await admin.slash("kpi set", options)
    assert reply.ephemeral and says in reply.content, reply.content
    assert "\n" not in reply.content and "Traceback" not in reply.content
    assert await changes(data) == before


async def test_kpi_targets_set_list_disable_enable_remove(harness, guild, admin, connected, clock) -> None:
    # A second between commands: audit rows of the same instant have no order of their own.
    clock.advance(seconds=1)
    reply = await admin.slash("kpi set", {"metric": "churn_rate", "target": "20%", "period": "month"})
    assert "`churn_rate` target 20.0 % (30-day average), alert below 80 %" in reply.content
    clock.advance(seconds=1)
    await admin.slash("kpi set", {"metric": "weekly_active_users", "target": "40"})
    clock.advance(seconds=1)
    assert (await admin.slash("kpi disable", metric="churn_rate")).content.startswith("Disabled")
    clock.advance(seconds=1)
    listed = (await admin.slash("kpi list")).content.splitlines()
    assert listed == [
        "`churn_rate` target 20.0 % (30-day average), alert below 80 % · off",
        "`weekly_active_users` target 40 (7-day average), alert below 80 % · on",
    ]
    assert (await admin.slash("kpi enable", metric="churn_rate")).content.endswith("· on.")
    clock.advance(seconds=1)
    assert "Removed" in (await admin.slash("kpi remove", metric="churn_rate")).content
    assert "has no target yet" in (await admin.slash("kpi remove", metric="churn_rate")).content
    data = await scoped(harness, guild)
    actions = [
        r["action"]
        for r in await tables(data).select("discord_audit_log", {"actor_type": "admin"}, order_by=("created_at",))
    ]
    assert actions[-5:] == [
        "analytics.kpi_set",
        "analytics.kpi_set",
        "analytics.kpi_disable",
        "analytics.kpi_enable",
        "analytics.kpi_remove",
    ]


async def test_kpi_report_and_export(harness, emu: Emulator, guild, general, admin, connected, clock) -> None:
    ann = guild.member("ann")
    for _ in range(3):
        await ann.say(general, "gm")
        clock.advance(days=1)
        await emu.settle()
    await admin.slash("kpi set", {"metric": "daily_active_users", "target": "1", "period": "day"})
    report = await admin.slash("kpi report")
    fields = {f["name"]: f["value"] for f in report.embeds[0]["fields"]}
    assert len(fields) == 16
    dau = fields["Daily active members (`daily_active_users`)"]
    assert "today so far **0**" in dau and "yesterday 1 → +0 %" in dau and "target 1 ✅" in dau
    exported = await admin.slash("kpi export", format="csv")
    rows = list(csv.DictReader(io.StringIO(exported.files[0][1].decode())))
    assert [(r["snapshot_date"], r["daily_active_users"]) for r in rows] == [
        ("2026-03-02", "1"),
        ("2026-03-03", "1"),
        ("2026-03-04", "1"),
    ]
    later = await admin.slash("kpi export", {"format": "json", "start-date": "2026-03-04"})
    assert [r["snapshot_date"] for r in json.loads(later.files[0][1])] == ["2026-03-04"]
    bad = await admin.slash("kpi export", {"format": "csv", "start-date": "yesterday"})
    assert bad.ephemeral and "YYYY-MM-DD" in bad.content and not bad.files


async def test_a_report_channel_the_bot_cannot_write_to(
    harness, emu: Emulator, guild: GuildHandle, general, admin: MemberHandle, connected, clock
) -> None:
    reports = guild.create_text_channel("reports")
    await emu.settle()
    await admin.slash("config admin-channel", channel=general)
    assert (
        "Daily report every day" in (await admin.slash("report schedule", frequency="daily", channel=reports)).content
    )
    guild.set_permissions(reports, guild.bot_role, deny=["send_messages"])
    await emu.settle()
    data = await scoped(harness, guild)
    before = await data.reports.schedule()

    refused = await admin.slash("report schedule", frequency="weekly", channel=reports)
    assert refused.ephemeral and "I can't post in" in refused.content and "Nothing was changed" in refused.content
    now = await admin.slash("report now")
    assert now.ephemeral and "missing permission to send messages" in now.content and "kept" in now.content

    clock.advance(days=1)  # past 00:05: the scheduled report meets a 403
    await emu.settle()
    assert emu.sent_messages(reports) == []
    told = [m.content for m in emu.sent_messages(general)]
    assert len(told) == 1 and "couldn't post the daily report" in told[0] and "schedule is kept" in told[0]
    after = await data.reports.schedule()
    assert after.is_active and after.channel_id == before.channel_id and after.last_sent_at is None
    assert after.last_status == "forbidden"
    clock.advance(hours=3)
    await emu.settle()
    assert len(emu.sent_messages(general)) == 1, "told once, not at every scheduler run"
    assert "last attempt: forbidden" in (await admin.slash("report show")).content

    guild.set_permissions(reports, guild.bot_role, allow=["send_messages"])
    await emu.settle()
    assert (await admin.slash("report now")).content == f"Posted the daily report in <#{reports.id}>."
    assert len(emu.sent_messages(reports)) == 1


async def test_report_bad_input(harness, guild, admin, connected) -> None:
    reports = guild.create_text_channel("reports")
    await harness.emu.settle()
    data = await scoped(harness, guild)
    before = await changes(data)
    daily = await admin.slash("report schedule", {"frequency": "daily", "channel": reports, "day-of-week": 2})
    assert daily.ephemeral and "only weekly reports have a day of the week" in daily.content
    weekly = await admin.slash("report schedule", {"frequency": "weekly", "channel": reports, "day-of-week": 9})
    assert "give 0 (Monday) to 6 (Sunday)" in weekly.content
    assert "no report schedule" in (await admin.slash("report now")).content
    assert "no report schedule" in (await admin.slash("report off")).content
    assert await changes(data) == before


async def test_segments_are_paged_and_for_viewers(
    harness, emu: Emulator, guild, general, admin, alice, connected, clock
) -> None:
    for n in range(12):
        await guild.member(f"member{n:02d}").say(general, "gm" if n < 5 else "hello")
    await emu.settle()
    overview = await admin.slash("segments")
    counts = {f["name"]: f["value"] for f in overview.embeds[0]["fields"]}
    assert counts["New (joined or first seen < 7 days ago)"].startswith("**12**")
    assert counts["Whales (top 10 % by LTZ)"].startswith("**1**")  # ceil(10 % of 5 earners)

    first = await admin.slash("segments", view="new")
    assert first.embeds[0]["footer"]["text"] == "12 members · page 1/2"
    assert len(first.embeds[0]["description"].splitlines()) == 10
    second = await admin.click(first, "Next ▶")
    assert second.embeds[0]["footer"]["text"] == "12 members · page 2/2"
    assert second.embeds[0]["description"].startswith("`11.`")

    clock.advance(days=8)
    await emu.settle()
    at_risk = await admin.slash("segments", view="at_risk")
    assert at_risk.embeds[0]["footer"]["text"].startswith("12 members")
    refused = await alice.slash("segments")
    assert refused.ephemeral and "viewer" in refused.content


async def test_joins_are_recorded_for_new_member_kpis(harness, emu, guild, connected, clock) -> None:
    guild.member("newcomer")
    guild.member("helper-bot", bot=True)
    await emu.settle()
    data = await scoped(harness, guild)
    rows = await tables(data).select("loyalteez_member_analytics")
    assert [r["joined_at"] for r in rows] == [clock.now()], "the bot's join is not recorded"
    assert rows[0]["first_seen_at"] is None and rows[0]["entered_at"] == clock.now()
    assert timedelta(0) == clock.now() - rows[0]["entered_at"]


async def test_the_week_leaderboard_of_activity_reads_the_rollups(
    harness, emu: Emulator, guild, general, alice, connected, clock
) -> None:
    bob = guild.member("bob")
    for text in ("hello", "how is everyone", "gm"):
        await alice.say(general, text)
    message = await bob.say(general, "hi all")
    await alice.react(message, "🎉")
    await bob.react(message, "👍")  # a reaction to one's own message does not count
    await emu.settle()
    board = await alice.slash("leaderboard", type="activity", period="week")
    lines = board.embeds[0]["description"].splitlines()
    assert [line.split("— ")[1].split("**")[1] for line in lines] == ["4", "1"], lines
    assert f"<@{alice.id}>" in lines[0] and f"<@{bob.id}>" in lines[1]
    clock.advance(days=7)
    await emu.settle()
    empty = await alice.slash("leaderboard", type="activity", period="week")
    assert "Nobody" in empty.embeds[0]["description"]
