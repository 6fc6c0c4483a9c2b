"""Caps stay exact when two processes on one PostgreSQL take claims for the same server at once.

A guild's events reach two processes while shards change hands (Discord delivers them to both layouts), so
the same drop click, the same perk stock and the same event's total cap are contested across processes:
two Stores (own pools, own caches) with their own services, as two `python bot.py run` would have.
"""

from __future__ import annotations

import asyncio

from loyalteez.clock import ManualClock
from loyalteez.services.access.permissions import Caller
from loyalteez.services.container import build_services
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import ClaimRequest, Member, Paid
from loyalteez.services.rewards.admin_events import EventOptions, create_event
from loyalteez.store import Store
from tests.conftest import REPORT, pg_store_schema
from tests.services.rewards.helpers import ADMIN, GENERAL, SERVER, connected
from tests.store.raw import tables

OWNER = Caller(ADMIN, SERVER, is_owner=True)
CROWD = [str(840_000_000_000_000_000 + n) for n in range(60)]


async def test_drop_perk_and_event_caps_hold_across_two_processes(clock: ManualClock) -> None:
    async with pg_store_schema() as url:
        stores = [await Store.open(url, clock), await Store.open(url, clock)]
        processes = [build_services(store, clock) for store in stores]
        try:
            data = await connected(stores[0])
            scope = data.scope
            await create_event(data, ADMIN, "coffee_drop", EventOptions(reward=20, trigger="drop", max_total_claims=25))
            await create_event(data, ADMIN, "launch", EventOptions(reward=5, max_total_claims=30))
            first = processes[0]
            plan = await first.drops.plan(scope, OWNER, event="coffee_drop", channel_id=GENERAL)
            await first.drops.create(scope, plan, actor_id=ADMIN, message_id="555000000000000001")
            await first.perks.create(scope, OWNER, name="Golden mug", cost=10, quantity=7)
            for member in CROWD:
                await tables(data).insert("discord_user_stats", {"discord_user_id": member, "ltz_earned": 100})

            # Every member's click and /claim (one interaction id) reach both processes, as during a hand-over.
            clicks = await asyncio.gather(
                *(p.drops.claim(scope, plan.drop_id, Member(m)) for m in CROWD for p in processes)
            )
            claims = await asyncio.gather(
                *(
                    p.rewards.claim(scope, ClaimRequest(f"9{n:05d}", Member(m), "launch", GENERAL))
                    for n, m in enumerate(CROWD)
                    for p in processes
                )
            )

            async def buy(services, member: str) -> bool:  # type: ignore[no-untyped-def]
                try:
                    await services.perks.buy(scope, member, "golden mug")
                except ValidationError:
                    return False
                return True

            bought = await asyncio.gather(*(buy(p, m) for m in CROWD[:20] for p in processes))

            paid_drop = [r for r in clicks if r.paid]
            assert len(paid_drop) == 25, "the drop's cap"
            drop_rows = await tables(data).select("loyalteez_reward_ledger", {"event_type": "coffee_drop"})
            assert len(drop_rows) == 25 and len({r["discord_user_id"] for r in drop_rows}) == 25
            paid_claims = [c for c in claims if isinstance(c, Paid)]
            assert len(paid_claims) == 30, "the event's total cap"
            launch = await tables(data).select("loyalteez_reward_ledger", {"event_type": "launch"})
            assert len(launch) == 30 and len({r["discord_user_id"] for r in launch}) == 30, "one interaction pays once"
            assert sum(bought) == 7, "the perk's stock"
            assert len(await tables(data).select("loyalteez_perk_purchases")) == 7
            REPORT["caps across two processes"] = (
                f"{len(clicks)} drop clicks -> 25 paid (cap 25); {len(claims)} claims -> 30 paid (cap 30); "
                f"{len(bought)} purchases -> 7 sold (stock 7)"
            )
        finally:
            for services in processes:
                await services.close()
            for store in stores:
                await store.close()
