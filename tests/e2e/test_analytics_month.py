"""A scripted month through the emulator: the KPI snapshots the scheduler writes, against hand-computed values.

The script (day d = 2 March 2026 + d; the server is connected on day 0 at noon; streak multipliers off, so
every gm pays 25 LTZ and every /daily 20):
  ann  gm and /daily every day 0-27                              45 LTZ a day
  ben  gm on days 0-13, /daily on days 0-4
  cat  gm on even days, /daily on days 10, 11, 12, 19, 20
  dan  chats (earns nothing) on days 0-6, in voice on day 27
  eve  joins on day 9, gm on days 9-20;  fay joins on day 9 and never earns;  gus joins on day 20, gm on day 21
  voice from 20:00 to 21:00: ann+ben on days 3 and 13, ann+cat on day 20, ann+dan on day 27
ann, ben, cat and dan join on day 0 at noon, right after the server is connected.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from tests.conftest import REPORT
from tests.store.raw import tables

START = datetime(2026, 3, 2, tzinfo=UTC)
VOICE = {3: ("ann", "ben"), 13: ("ann", "ben"), 20: ("ann", "cat"), 27: ("ann", "dan")}

# Worked out by hand from the script (see the module docstring); ratios rounded to 4 places as stored.
EXPECTED = {
    # D=6: earners 0-6 ann, ben, cat; LTZ 0-6: ann 315 + ben 275 + cat 100 = 690; cohort ann, ben, cat, dan
    6: {
        "daily_active_users": 3,
        "weekly_active_users": 3,
        "streak_retention": 1.0,
        "new_user_conversion": 0.75,
        "voice_participation": 0.0,
        "reward_efficiency": 230.0,
        "churn_rate": None,
        "top_10_concentration": 0.4565,
    },  # 315 / 690
    # D=13: DAU ann, ben, eve; week 7-13 adds cat; LTZ 315 + 175 + 135 + 125 = 750; alive at the start:
    # ann, cat (checked in on 12), kept: ann; cohort eve, fay; voice ann, ben; lifetime ann 630 of 1440
    13: {
        "daily_active_users": 3,
        "weekly_active_users": 4,
        "streak_retention": 0.5,
        "new_user_conversion": 0.5,
        "voice_participation": 0.6667,
        "reward_efficiency": 187.5,
        "churn_rate": 0.0,
        "top_10_concentration": 0.4375,
    },
    # D=20: DAU ann, cat, eve = week; LTZ 315 + 140 + 175 = 630; ben of {ann, ben, cat, eve} churned;
    # cohort gus (not paid yet); voice ann, cat; lifetime ann 945 of 2070
    20: {
        "daily_active_users": 3,
        "weekly_active_users": 3,
        "streak_retention": 1.0,
        "new_user_conversion": 0.0,
        "voice_participation": 0.6667,
        "reward_efficiency": 210.0,
        "churn_rate": 0.25,
        "top_10_concentration": 0.4565,
    },
    # D=21: DAU ann, gus; week 15-21 ann, cat, eve, gus: 315 + 115 + 150 + 25 = 605; cat's streak broke;
    # cohort gus, paid; churn ben of {ann, ben, cat, eve}; lifetime ann 990 of 2140 (5 earners: top 1)
    21: {
        "daily_active_users": 2,
        "weekly_active_users": 4,
        "streak_retention": 0.5,
        "new_user_conversion": 1.0,
        "voice_participation": 0.0,
        "reward_efficiency": 151.25,
        "churn_rate": 0.25,
        "top_10_concentration": 0.4626,
    },
    # D=27: DAU ann; week 21-27 ann, cat, gus: 315 + 75 + 25 = 415; nobody new; voice ann (dan earns
    # nothing, so he is no active member); churn eve of {ann, cat, eve}; lifetime ann 1260 of 2485
    27: {
        "daily_active_users": 1,
        "weekly_active_users": 3,
        "streak_retention": 1.0,
        "new_user_conversion": None,
        "voice_participation": 1.0,
        "reward_efficiency": 138.33,
        "churn_rate": 0.3333,
        "top_10_concentration": 0.507,
    },
}


class Month:
    def __init__(self, emu: Emulator, guild: GuildHandle, clock: ManualClock) -> None:
        self.emu, self.guild, self.clock = emu, guild, clock
        self.general, self.lounge = guild.channel("general"), guild.channel("lounge")
        self.people: dict[str, MemberHandle] = {}

    def at(self, day: int, hour: int) -> None:
        self.clock.set(START + timedelta(days=day, hours=hour))

    def join(self, *names: str) -> None:
        for name in names:
            self.people[name] = self.guild.member(name)

    async def gm(self, name: str) -> None:
        await self.people[name].say(self.general, "gm")

    async def daily(self, name: str) -> None:
        reply = await self.people[name].slash("daily")
        assert "20" in reply.content, reply.content

    async def voice(self, day: int, pair: tuple[str, str]) -> None:
        self.at(day, 20)
        for name in pair:
            await self.people[name].join_voice(self.lounge)
            await self.emu.settle()
        self.at(day, 21)
        for name in pair:
            await self.people[name].leave_voice()
            await self.emu.settle()

    async def day(self, d: int) -> None:
        self.at(d, 9)
        if d == 9:
            self.join("eve", "fay")
        if d == 20:
            self.at(d, 12)
            self.join("gus")
            self.at(d, 13)
        for name in [
            "ann",
            *(["ben"] if d <= 13 else []),
            *(["cat"] if d % 2 == 0 else []),
            *(["eve"] if 9 <= d <= 20 else []),
            *(["gus"] if d == 21 else []),
        ]:
            await self.gm(name)
        for name in ["ann", *(["ben"] if d <= 4 else []), *(["cat"] if d in (10, 11, 12, 19, 20) else [])]:
            await self.daily(name)
        if d <= 6:
            await self.people["dan"].say(self.general, "anyone around?")
        await self.emu.settle()
        if d in VOICE:
            await self.voice(d, VOICE[d])


async def test_a_scripted_month_gives_the_hand_computed_kpis(harness, emu, guild, admin, connected, clock) -> None:
    month = Month(emu, guild, clock)
    reply = await admin.slash("config streaks", multipliers="none")
    assert "updated" in reply.content.lower(), reply.content
    month.join("ann", "ben", "cat", "dan")
    for d in range(28):
        await month.day(d)
    month.at(28, 0)
    await emu.settle()  # the 00:00 job writes day 27's snapshots

    data = harness.app.store.scoped(await harness.app.services.setup.scope_for(str(guild.id)))
    daily = await data.kpi.daily_metrics(START.date(), START.date() + timedelta(days=27))
    assert len(daily) == 28, "one daily snapshot per day, none missing, none twice"
    for d, expected in EXPECTED.items():
        got = {k: daily[START.date() + timedelta(days=d)][k] for k in expected}
        assert got == pytest.approx(expected, abs=1e-4), f"day {d}"
    weekly = {r.snapshot_date: r.metrics for r in await data.kpi.snapshots("weekly")}
    assert sorted(weekly) == [START.date() + timedelta(days=d) for d in (6, 13, 20, 27)]
    week2 = weekly[START.date() + timedelta(days=13)]
    # payouts on days 7-13: ann 14, ben 7, cat 6 (gm 8, 10, 12; /daily 10, 11, 12), eve 5
    assert week2["period"] == {
        "start": "2026-03-09",
        "end": "2026-03-15",
        "active_members": 4,
        "active_any": 4,
        "ltz_paid": 750,
        "payouts": 32,
    }
    runs = await tables(data).select("discord_audit_log", {"actor_type": "system", "action": "analytics.snapshots"})
    assert len(runs) == 28, "one audit row per scheduler run that wrote snapshots"
    REPORT["analytics month"] = "28 scripted days, 5 days x 8 seed metrics checked against hand-computed values"
