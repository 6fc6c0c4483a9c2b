"""The reports repository: the schedule with its delivery state, and the figures a report quotes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from loyalteez.store import ScopedData, Store
from loyalteez.store.repos.reports import TopEarner
from tests.conftest import linked
from tests.store.raw import tables

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
async def data(store: Store) -> ScopedData:
    return store.scoped(await linked(store, "brand_a", "1001"))


async def test_the_schedule_and_its_delivery_state(data: ScopedData) -> None:
    assert await data.reports.schedule() is None and await data.reports.schedule_snapshot() is None
    await data.reports.save_schedule("weekly", "55", 3, AT)
    schedule = await data.reports.schedule()
    assert schedule is not None
    assert (schedule.frequency, schedule.channel_id, schedule.day_of_week, schedule.is_active) == (
        "weekly",
        "55",
        3,
        True,
    )
    assert schedule.active_since == AT and schedule.last_attempt_at is None and schedule.last_status is None
    assert (await data.reports.schedule_snapshot() or {})["channel_id"] == "55"

    later = datetime(2026, 3, 5, 0, 5, tzinfo=UTC)
    await data.reports.record_attempt(later, "forbidden", "403")
    failed = await data.reports.schedule()
    assert failed is not None and failed.last_sent_at is None and failed.last_status == "forbidden"
    assert failed.last_error == "403" and failed.last_attempt_at == later
    await data.reports.record_attempt(later, "sent", None)
    sent = await data.reports.schedule()
    assert sent is not None and sent.last_sent_at == later and sent.last_status == "sent"

    await data.reports.turn_off()
    off = await data.reports.schedule()
    assert off is not None and not off.is_active and off.channel_id == "55"


async def test_the_figures_of_a_report(data: ScopedData) -> None:
    await data.analytics.record(DAY, AT, {"ann": [1, 0, 0, 0, 0, 2, 30], "bob": [0, 0, 0, 0, 0, 1, 45]})
    await data.analytics.record(date(2026, 3, 1), AT, {"cy": [1, 0, 0, 0, 0, 1, 99]})
    assert await data.reports.top_earners(DAY, DAY) == [TopEarner("bob", 45), TopEarner("ann", 30)]
    assert await data.reports.paid(DAY, DAY) == (75, 3)
    assert await data.reports.paid(date(2026, 3, 1), DAY) == (174, 4)
    await tables(data).insert(
        "discord_community_goals",
        {
            "goal_id": "00000000-0000-4000-8000-000000000001",
            "name": "Hello",
            "goal_type": "custom",
            "target_value": 10,
            "current_value": 4,
        },
    )
    goals = await data.reports.goals()
    assert [(g.name, g.target_value, g.current_value, g.completed_at) for g in goals] == [("Hello", 10.0, 4.0, None)]
    assert await data.reports.achievements_completed(AT, datetime(2026, 3, 3, tzinfo=UTC)) == 0
