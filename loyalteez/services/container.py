"""All domain services, built once at start-up from a store and a clock and handed to the adapter."""

from __future__ import annotations

from dataclasses import dataclass

from loyalteez.clock import Clock
from loyalteez.services.setup import SetupService
from loyalteez.store import Store


@dataclass
class Services:
    store: Store
    clock: Clock
    setup: SetupService

    async def wait_idle(self) -> None:
        """Return once every accepted event is durably written (group commits flushed)."""


def build_services(store: Store, clock: Clock) -> Services:
    setup = SetupService(store, clock)
    return Services(store=store, clock=clock, setup=setup)
