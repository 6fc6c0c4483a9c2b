"""Scheduled reports on the store (SQLite and PostgreSQL), with a fake poster."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.analytics import input, reports, snapshots
from loyalteez.services.analytics.ports import Outgoing, PostResult, PostStatus
from loyalteez.services.analytics.service import Analytics
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData, Store
from tests.conftest import linked
from tests.services.analytics.test_metrics import roll
from tests.store.raw import tables

MONDAY = date(2026, 3, 2)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


class FakePoster:
    def __init__(self, refuse: set[str] | None = None) -> None:
        self.posted: list[tuple[str, Outgoing]] = []
        self.refuse = refuse or set()

    async def post(self, server_id: str, channel_id: str, message: Outgoing) -> PostResult:
        if channel_id in self.refuse:
            return PostResult(PostStatus.FORBIDDEN, error="Missing Permissions")
        self.posted.append((channel_id, message))
        return PostResult(PostStatus.SENT, message_id=str(len(self.posted)))


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
    await data.rewards.set_metadata({"admin_channel_id": "77"})
    await reports.save_schedule(data, "1", "daily", "55", None, clock.now())
    analytics = Analytics(store, clock)
    poster = FakePoster(refuse={"55"})
    analytics.poster = poster
    await analytics.run_due(datetime(2026, 3, 3, 0, 5, tzinfo=UTC))
    assert [(c, m.content[:41]) for c, m in poster.posted] == [("77", "I couldn't post the daily report in <#55>")]
    schedule = await reports.current(data)
    assert schedule.active and schedule.last_sent_at is None and schedule.last_status == "forbidden"
