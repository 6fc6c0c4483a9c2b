"""The scheduler lease: one holder at a time, taken over once it runs out, handed back on a clean stop."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from loyalteez.clock import ManualClock
from loyalteez.services.analytics.scheduler import Job, Scheduler
from loyalteez.services.maintenance.leadership import Leadership
from loyalteez.store import Store
from tests.conftest import pg_store_schema

LEASE = timedelta(seconds=20)


async def test_a_lease_has_one_holder_until_it_runs_out(store: Store, clock: ManualClock) -> None:
    leases, now = store.leases, clock.now()
    assert await leases.take("scheduler", "a", now, now + LEASE)
    assert not await leases.take("scheduler", "b", now, now + LEASE), "a's lease runs: b must wait"
    assert await leases.take("scheduler", "a", now + LEASE / 2, now + LEASE * 1.5), "a renews"
    assert not await leases.take("scheduler", "b", now + LEASE, now + LEASE * 2), "renewed: still a's"
    assert await leases.take("scheduler", "b", now + LEASE * 1.5, now + LEASE * 2.5), "ran out: b takes it"
    assert not await leases.take("scheduler", "a", now + LEASE * 1.6, now + LEASE * 2.6)
    await leases.release("scheduler", "a")  # not a's any more: nothing happens
    assert (await leases.get("scheduler"))["holder"] == "b"  # type: ignore[index]
    await leases.release("scheduler", "b")
    assert await leases.get("scheduler") is None
    assert await leases.take("scheduler", "a", now + LEASE * 1.7, now + LEASE * 2.7), "handed back: free at once"


async def test_two_processes_never_lead_at_once_and_the_survivor_takes_over(clock: ManualClock) -> None:
    async with pg_store_schema() as url:
        stores = [await Store.open(url, clock), await Store.open(url, clock)]
        try:
            first, second = (Leadership(s, clock, lease_seconds=LEASE.total_seconds()) for s in stores)
            assert await first.check() and not await second.check()
            for _ in range(12):  # both check every 5 s: the first renews in time, the second never leads
                clock.advance(timedelta(seconds=5))
                assert await first.check() and not await second.check()
            # The first process dies (it stops renewing): the second leads once the lease has run out.
            led_at = None
            for step in range(1, 10):
                clock.advance(timedelta(seconds=5))
                assert not first.is_leader() or not second.is_leader()
                if await second.check():
                    led_at = step * 5
                    break
            assert led_at is not None and LEASE.total_seconds() <= led_at <= LEASE.total_seconds() + 5
            assert not first.is_leader(), "a leader that could not renew stops before its lease runs out"
            assert not await first.check(), "back again, it finds the lease taken"
            await second.stop()  # a clean stop hands the lease back
            assert await first.check()
        finally:
            for store in stores:
                await store.close()


async def test_only_the_leader_runs_jobs_and_a_new_leader_catches_up(clock: ManualClock) -> None:
    async with pg_store_schema() as url:
        stores = [await Store.open(url, clock), await Store.open(url, clock)]
        try:
            ran: list[tuple[str, str]] = []
            schedulers = []
            for name, store in zip("ab", stores, strict=True):
                leadership = Leadership(store, clock, lease_seconds=LEASE.total_seconds())

                async def job(now, name=name) -> None:  # type: ignore[no-untyped-def]
                    ran.append((name, now.date().isoformat()))

                schedulers.append(Scheduler(clock, [Job("daily", "0 0 * * *", job)], leader=leadership.check))
            a, b = schedulers
            assert await a.run_due() == ["daily"] and await b.run_due() == []
            clock.advance(timedelta(days=1))
            assert await a.run_due() == ["daily"] and await b.run_due() == []
            assert [n for n, _ in ran] == ["a", "a"]
            clock.advance(timedelta(days=1))  # a is gone; b's next run after the lease ran out catches up
            assert await b.run_due() == ["daily"]
            assert ran[-1][0] == "b"
        finally:
            for store in stores:
                await store.close()


async def test_whoever_takes_the_lease_wakes_the_scheduler(clock: ManualClock) -> None:
    """A ticker job's check may be what takes an expired lease: the scheduler, asleep until its next fire
    time (up to a minute), must still start its catch-up at once. It used to hear only of leases its
    renewal loop took, so a report due at the takeover waited for the next minute."""
    async with pg_store_schema() as url:
        store = await Store.open(url, clock)
        try:
            leadership = Leadership(store, clock, lease_seconds=LEASE.total_seconds())
            woken: list[str] = []

            async def catch_up() -> None:
                woken.append("scheduler")

            leadership.on_gained.append(catch_up)
            assert await leadership.check()  # as the drops sweep's check would
            for _ in range(3):
                await asyncio.sleep(0)
            assert woken == ["scheduler"]
            clock.advance(timedelta(seconds=5))
            assert await leadership.check() and woken == ["scheduler"], "a renewal is not a takeover"
            await leadership.stop()
        finally:
            await store.close()
