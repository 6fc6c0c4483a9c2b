"""The analytics service checks the caller's level first, before it validates anything (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from loyalteez.services.access.permissions import Caller, Level, PermissionDenied
from loyalteez.services.analytics.service import Analytics
from loyalteez.services.errors import ValidationError
from loyalteez.store import Scope, Store
from tests.conftest import linked

VIEWER_ROLE, EVENTS_ROLE = "501", "502"


@pytest.fixture
async def scope(store: Store) -> Scope:
    scope = await linked(store, "brand_a", "1001")
    await store.scoped(scope).rewards.set_metadata(
        {"admin_roles": {VIEWER_ROLE: "viewer", EVENTS_ROLE: "event_manager"}}
    )
    return scope


MEMBER = Caller("1", "1001")
VIEWER = Caller("2", "1001", (VIEWER_ROLE,))
EVENTS = Caller("3", "1001", (EVENTS_ROLE,))
OWNER = Caller("4", "1001", is_owner=True)


async def test_levels_are_checked_before_the_options(store: Store, scope: Scope) -> None:
    analytics = Analytics(store, store.clock)
    with pytest.raises(PermissionDenied) as denied:
        await analytics.set_target(scope, VIEWER, "not-a-kpi", "x", None, None)
    assert denied.value.needed is Level.FULL_ADMIN
    with pytest.raises(PermissionDenied):
        await analytics.export(scope, MEMBER, "xml", None)
    with pytest.raises(PermissionDenied) as denied:
        await analytics.report_now(scope, VIEWER)
    assert denied.value.needed is Level.EVENT_MANAGER
    with pytest.raises(ValidationError, match="no report schedule"):
        await analytics.report_now(scope, EVENTS)
    with pytest.raises(PermissionDenied):
        await analytics.schedule_report(
            scope, EVENTS, "hourly", "55", None, channel_here=False, channel_writable=False, channel_mention="#x"
        )


async def test_a_viewer_reads_and_an_owner_changes(store: Store, scope: Scope) -> None:
    analytics = Analytics(store, store.clock)
    assert await analytics.list_targets(scope, VIEWER) == []
    assert set(await analytics.segment_counts(scope, VIEWER)) >= {"whales", "dormant"}
    saved = await analytics.set_target(scope, OWNER, "daily_active_users", "25", None, None)
    assert (saved.metric, saved.target, saved.period, saved.threshold) == ("daily_active_users", 25.0, "week", 80.0)
    assert [t.metric for t in await analytics.list_targets(scope, VIEWER)] == ["daily_active_users"]
    assert await analytics.remove_target(scope, OWNER, " Daily_Active_Users ") == "daily_active_users"
    with pytest.raises(ValidationError, match="choose a channel of this server"):
        await analytics.schedule_report(
            scope, OWNER, "daily", "55", None, channel_here=False, channel_writable=True, channel_mention="#x"
        )
    with pytest.raises(ValidationError, match="I can't post in #x"):
        await analytics.schedule_report(
            scope, OWNER, "daily", "55", None, channel_here=True, channel_writable=False, channel_mention="#x"
        )
    schedule = await analytics.schedule_report(
        scope, OWNER, "weekly", "55", 2, channel_here=True, channel_writable=True, channel_mention="#x"
    )
    assert (schedule.frequency, schedule.day_of_week, schedule.active) == ("weekly", 2, True)
    assert await analytics.report_schedule(scope, VIEWER) == schedule
    assert not (await analytics.report_off(scope, OWNER)).active
