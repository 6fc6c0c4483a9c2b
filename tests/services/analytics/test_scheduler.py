"""The in-process cron: what is due when the clock moves, jumps or goes back; never a sleep in a test."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.analytics.scheduler import Job, Scheduler, next_fire, previous_fire

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def recorder(log: list[tuple[str, datetime]], name: str, fail: bool = False):
    async def run(now: datetime) -> None:
        log.append((name, now))
        if fail:
            raise RuntimeError("boom")

    return run


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


def scheduler(clock: ManualClock, log: list, fail: bool = False) -> Scheduler:
    return Scheduler(
        clock,
        [
            Job("midnight", "0 0 * * *", recorder(log, "midnight", fail)),
            Job("reports", "5 0 * * *", recorder(log, "reports")),
        ],
    )


async def test_the_first_run_is_a_catch_up_of_every_job(clock: ManualClock) -> None:
    log: list = []
    s = scheduler(clock, log)
    assert await s.run_due() == ["midnight", "reports"]
    assert await s.run_due() == [], "nothing passed since"


async def test_jobs_run_once_their_fire_time_has_passed(clock: ManualClock) -> None:
    log: list = []
    s = scheduler(clock, log)
    await s.run_due()
    clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    assert await s.run_due() == ["midnight"], "00:00 is due at 00:00 itself"
    clock.advance(minutes=4)
    assert await s.run_due() == []
    clock.advance(minutes=1)
    assert await s.run_due() == ["reports"]
    assert s.runs == 3


async def test_a_jump_of_three_days_runs_each_job_once(clock: ManualClock) -> None:
    """Jobs work from what is missing, so one run per job catches up all three days."""
    log: list = []
    s = scheduler(clock, log)
    await s.run_due()
    log.clear()
    clock.advance(days=3)
    assert await s.run_due() == ["midnight", "reports"]
    assert [name for name, _ in log] == ["midnight", "reports"]


async def test_a_clock_going_back_runs_everything_again(clock: ManualClock) -> None:
    log: list = []
    s = scheduler(clock, log)
    await s.run_due(T0 + timedelta(days=2))
    assert await s.run_due(T0 + timedelta(days=1)) == ["midnight", "reports"]


async def test_a_failing_job_does_not_stop_the_others(clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    log: list = []
    s = scheduler(clock, log, fail=True)
    assert await s.run_due() == ["midnight", "reports"]
    assert [name for name, _ in log] == ["midnight", "reports"]
    assert any("scheduled job midnight failed: RuntimeError: boom" in r.getMessage() for r in caplog.records)


async def test_runs_are_serialised(clock: ManualClock) -> None:
    order: list[str] = []
    gate = asyncio.Event()

    async def slow(now: datetime) -> None:
        order.append("start")
        await gate.wait()
        order.append("end")

    s = Scheduler(clock, [Job("slow", "0 0 * * *", slow)])
    first = asyncio.create_task(s.run_due())
    await asyncio.sleep(0)
    second = asyncio.create_task(s.run_due())
    await asyncio.sleep(0)
    gate.set()
    assert await first == ["slow"] and await second == []
    assert order == ["start", "end"]


async def test_start_on_a_manual_clock_catches_up_without_a_loop(clock: ManualClock) -> None:
    log: list = []
    s = scheduler(clock, log)
    assert await s.run_if_started() == [], "not before the adapter starts it"
    s.start()
    await s.wait_idle()
    await asyncio.sleep(0)
    await s.wait_idle()
    assert [name for name, _ in log] == ["midnight", "reports"]
    clock.advance(days=1)
    assert await s.run_if_started() == ["midnight", "reports"]
    await s.stop()
    assert not s.running and await s.run_if_started() == []


def test_fire_times() -> None:
    at = datetime(2026, 3, 2, 0, 5, tzinfo=UTC)  # a Monday
    assert previous_fire("5 0 * * 1", at) == at, "a send time counts at its own moment"
    assert previous_fire("5 0 * * 1", at - timedelta(seconds=1)) == at - timedelta(days=7)
    assert next_fire("0 0 1 * *", at) == datetime(2026, 4, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="bad cron"):
        Scheduler(ManualClock(), [Job("x", "not cron", recorder([], "x"))])


async def test_a_job_that_left_work_for_later_runs_again_at_the_next_call(clock: ManualClock) -> None:
    log: list = []
    s = scheduler(clock, log)
    await s.run_due()
    clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=UTC))

    async def deferring(now: datetime) -> None:
        log.append(("deferring", now))
        if len(log) == 3:
            s.run_again()  # its day's events were still being written

    s.jobs[0] = Job("midnight", "0 0 * * *", deferring)
    assert await s.run_due() == ["midnight"]
    assert await s.run_due() == ["midnight", "reports"], "no fire time passed, but the deferred work is due"
    assert await s.run_due() == []


async def test_nothing_runs_until_ready_and_then_everything_due(clock: ManualClock) -> None:
    log: list = []
    ready = False
    s = Scheduler(clock, [Job("midnight", "0 0 * * *", recorder(log, "midnight"))], ready=lambda: ready)
    assert await s.run_due() == [], "still catching up"
    ready = True
    assert await s.run_due() == ["midnight"], "the start-up catch-up, once ready"
