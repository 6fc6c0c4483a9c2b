"""All domain services, built once at start-up from a store and a clock and handed to the adapter."""

from __future__ import annotations

from dataclasses import dataclass

from loyalteez.clock import Clock
from loyalteez.services.rewards.defaults import install_default_rules
from loyalteez.services.rewards.service import Rewards
from loyalteez.services.setup import SetupService
from loyalteez.store import ServerStore, Store


@dataclass
class Services:
    store: Store
    clock: Clock
    setup: SetupService
    rewards: Rewards

    async def wait_idle(self) -> None:
        """Write what is queued now (no group-commit delay) and return once it has committed."""
        await self.rewards.writer.flush()

    async def close(self) -> None:
        await self.rewards.close()


def build_services(store: Store, clock: Clock) -> Services:
    setup = SetupService(store, clock)
    rewards = Rewards(store, clock)

    async def default_events(data: ServerStore) -> None:
        await install_default_rules(data, clock)

    setup.on_connect.append(default_events)
    return Services(store=store, clock=clock, setup=setup, rewards=rewards)
