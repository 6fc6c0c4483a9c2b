"""Snapshots, targets, reports and segments on the store (SQLite and PostgreSQL), with a fake poster."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loyalteez.clock import ManualClock, start_of_day
from loyalteez.services.analytics import input, reports, segments, snapshots, targets
from loyalteez.services.analytics.ports import Outgoing, PostResult, PostStatus
from loyalteez.services.analytics.service import Analytics
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData, Store
from tests.conftest import linked
from tests.services.analytics.test_metrics import roll
from tests.store.raw import tables

MONDAY = date(2026, 3, 2)


class FakePoster:
    def __init__(self, refuse: set[str] | None = None) -> None:
        self.posted: list[tuple[str, Outgoing]] = []
        self.refuse = refuse or set()

    async def post(self, channel_id: str, message: Outgoing) -> PostResult:
        if channel_id in self.refuse:
            return PostResult(PostStatus.FORBIDDEN, error="Missing Permissions")
        self.posted.append((channel_id, message))
        return PostResult(PostStatus.SENT, message_id=str(len(self.posted)))


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_catch_up_writes_each_missing_period_once(data: ScopedData) -> None:
    await roll(data, MONDAY, "ann", rewards=1, ltz=25)
    written = await snapshots.catch_up(data, MONDAY + timedelta(days=7), MONDAY, 24)
    assert [(w.day.isoformat(), w.kind) for w in written] == [
        *((f"2026-03-0{d}", "daily") for d in range(2, 9)),
        ("2026-03-08", "weekly"),
    ]
    assert await snapshots.catch_up(data, MONDAY + timedelta(days=7), MONDAY, 24) == [], "idempotent"
    assert written[-1].metrics["period"] == {
        "start": "2026-03-02",
        "end": "2026-03-08",
        "active_members": 1,
        "active_any": 1,
        "ltz_paid": 25,
        "payouts": 1,
    }
    month_end = await snapshots.catch_up(data, date(2026, 4, 1), MONDAY, 24)
    assert ("2026-03-31", "monthly") in [(w.day.isoformat(), w.kind) for w in month_end]
    assert await tables(data).count("discord_kpi_snapshots", {"snapshot_type": "daily"}) == 30


async def test_catch_up_never_goes_before_the_connection_nor_too_far_back(data: ScopedData) -> None:
    assert await snapshots.catch_up(data, MONDAY, MONDAY, 24) == [], "the connection day has not ended"
    far = await snapshots.catch_up(data, MONDAY + timedelta(days=400), None, 24)
    assert len([w for w in far if w.kind == "daily"]) == snapshots.MAX_CATCH_UP_DAYS


async def test_lower_is_better_targets_alert_above_target_over_threshold(data: ScopedData) -> None:
    await targets.set_target(data, "1", "churn_rate", "20%", "day", 80)  # alert above 0.2 / 0.8 = 0.25
    day = MONDAY
    series = {day: {"churn_rate": 0.25}}
    assert await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC)) == []
    series[day] = {"churn_rate": 0.26}
    [alert] = await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC))
    assert alert.alerting and "above its target 20.0 % ÷ 80 % = 25.0 %" in alert.text
    assert await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC)) == [], "no repeat"
    series[day] = {"churn_rate": None}
    assert await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC)) == [], "null: no change"
    series[day] = {"churn_rate": 0.1}
    [back] = await targets.evaluate(data, day, series, datetime(2026, 3, 3, tzinfo=UTC))
    assert not back.alerting and "back to **10.0 %**" in back.text


async def test_a_new_schedule_is_not_due_for_a_send_time_before_it(data: ScopedData) -> None:
    now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
    await reports.save_schedule(data, "1", "weekly", "55", 0, now)
    schedule = await reports.current(data)
    assert not schedule.is_due(now), "Monday's send time came before the schedule"
    assert schedule.is_due(datetime(2026, 3, 9, 0, 5, tzinfo=UTC))
    await data.reports.record_attempt(datetime(2026, 3, 9, 0, 5, tzinfo=UTC), "forbidden", "403")
    assert not (await reports.current(data)).is_due(datetime(2026, 3, 10, tzinfo=UTC)), "no retry every minute"
    assert (await reports.current(data)).is_due(datetime(2026, 3, 16, 0, 5, tzinfo=UTC))
    with pytest.raises(ValidationError, match="only weekly"):
        input.check_schedule("monthly", 3)
    assert reports.period_for("monthly", date(2026, 2, 28)) == (date(2026, 2, 1), date(2026, 2, 28))


async def test_a_report_fits_discord_s_embed_limits(data: ScopedData) -> None:
    for n in range(40):
        await roll(data, MONDAY, f"member-with-a-rather-long-id-{n:03d}", rewards=3, ltz=10_000 + n)
    for n in range(12):
        await tables(data).insert(
            "discord_community_goals",
            {
                "goal_id": f"00000000-0000-4000-8000-{n:012d}",
                "name": "g" * 90,
                "goal_type": "custom",
                "target_value": 1e9,
            },
        )
    await snapshots.catch_up(data, MONDAY + timedelta(days=1), MONDAY, 24)
    message = await reports.build(data, "daily", MONDAY)
    embed = message.embed
    total = (
        len(embed["title"])
        + len(embed["description"])
        + len(embed["footer"]["text"])
        + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
    )
    assert total <= 6000 and all(len(f["value"]) <= 1024 for f in embed["fields"]) and len(embed["fields"]) <= 25
    assert message.files[0][0] == "activity.png" and message.files[0][1][:4] == b"\x89PNG"


async def test_a_forbidden_report_tells_the_admins_and_keeps_the_schedule(store: Store, data: ScopedData) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 12, tzinfo=UTC))
    store.clock = clock
    await data.rewards_set_metadata({"admin_channel_id": "77"})
    await reports.save_schedule(data, "1", "daily", "55", None, clock.now())
    analytics = Analytics(store, clock)
    poster = FakePoster(refuse={"55"})
    analytics.poster = poster
    await analytics.run_due(datetime(2026, 3, 3, 0, 5, tzinfo=UTC))
    assert [(c, m.content[:41]) for c, m in poster.posted] == [("77", "I couldn't post the daily report in <#55>")]
    schedule = await reports.current(data)
    assert schedule.active and schedule.last_sent_at is None and schedule.last_status == "forbidden"


async def test_segments(data: ScopedData) -> None:
    today = MONDAY + timedelta(days=40)
    now = start_of_day(today) + timedelta(hours=12)
    for n in range(21):  # 21 earners: ceil(2.1) = 3 whales
        await roll(data, today - timedelta(days=n), f"m{n:02d}", rewards=1, ltz=100 + n)
    for back in range(5):  # active 5 of the last 7 days, with a voice session each day
        await roll(data, today - timedelta(days=back), "regular", messages=1, voice=30, sessions=1)
    counts = await segments.counts(data, now)
    # new: first seen less than 7 days ago, m00-m06 and the regular (m07: exactly 7 days, no longer new);
    # m07-m20 last active 7-20 days ago are at risk, nobody dormant (all active within 30 days)
    assert counts == {"whales": 3, "power_users": 1, "new": 8, "at_risk": 14, "dormant": 0, "voice_regulars": 1}
    page = await segments.page(data, "whales", 1, now)
    assert page.rows == [("m20", 120), ("m19", 119), ("m18", 118)]
    await roll(data, today - timedelta(days=45), "ghost", messages=1)
    assert (await segments.counts(data, now))["dormant"] == 1
    with pytest.raises(ValidationError, match="choose one of"):
        await segments.page(data, "vips", 1, now)
