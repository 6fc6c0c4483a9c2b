"""Two bot processes on one PostgreSQL pay from one brand budget: together they never pay past it.

Each "process" here is a Store of its own (its own connection pool, its own caches) with its own rewards
service, as two `python bot.py run` would have; the real two-process run is in test_two_processes.py.
"""

from __future__ import annotations

import asyncio

from loyalteez.clock import ManualClock
from loyalteez.services.rewards import ClaimRequest, Paid, RefusalReason, Refused
from loyalteez.services.rewards import admin_events as events
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, Store
from tests.conftest import pg_store_schema
from tests.services.rewards.helpers import ADMIN, connected, member

BRAND = "brand_shared"
SERVERS = ("4001", "4002", "4003", "4004")
BUDGET, REWARD = 200, 10


async def test_two_processes_never_pay_a_brand_past_its_budget(clock: ManualClock) -> None:
    """Four servers of one brand, two on each process, 30 claims each: exactly the budget is paid.

    Each process used to remember the brand's spend and add only its own payouts to it, so together
    they paid 390 LTZ of a 200 LTZ budget."""
    async with pg_store_schema() as url:
        first, second = await Store.open(url, clock), await Store.open(url, clock)
        try:
            for server in SERVERS:
                data = await connected(first, BRAND, server)
                await events.create_event(data, ADMIN, "bonus", events.EventOptions(reward=REWARD))
            await first.update_brand(BRAND, {"ltz_budget": BUDGET})
            processes = [Rewards(first, clock), Rewards(second, clock)]
            # Each process has read the brand's spend once already (as after its first payouts).
            for rewards, server in zip(processes, SERVERS[::2], strict=True):
                assert isinstance(await rewards.claim(Scope(BRAND, server), _claim(server, 0)), Paid)

            async def claims(rewards: Rewards, servers: tuple[str, ...]) -> list[object]:
                made = []
                for n in range(1, 16):
                    for server in servers:
                        made.append(await rewards.claim(Scope(BRAND, server), _claim(server, n)))
                        await asyncio.sleep(0)
                return made

            results = await asyncio.gather(claims(processes[0], SERVERS[0::2]), claims(processes[1], SERVERS[1::2]))
            outcomes = [o for found in results for o in found]
            refused = [o for o in outcomes if isinstance(o, Refused)]
            assert {o.reason for o in refused} == {RefusalReason.BUDGET}
            spent = await first.db.fetch_value(
                "SELECT COALESCE(SUM(amount), 0) FROM loyalteez_reward_ledger WHERE brand_id = ? AND is_test = ?",
                [BRAND, False],
            )
            assert int(spent) == BUDGET, f"{spent} LTZ paid against a {BUDGET} LTZ budget"
            for rewards in processes:
                await rewards.close()
        finally:
            await first.close()
            await second.close()


def _claim(server: str, n: int) -> ClaimRequest:
    return ClaimRequest(f"{server}{n:04d}", member(f"8000000000000{server}"), "bonus", None)
