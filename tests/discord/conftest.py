"""Adapter tests drive the REAL App through the loopback Discord, on both engines (see tests/e2e/conftest.py)."""

from collections.abc import AsyncIterator

import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator.harness import Harness, running_bot
from tests.e2e.conftest import (  # noqa: F401
    admin,
    alice,
    bot,
    bot_app,
    connected,
    emu,
    engine,
    general,
    guild,
    harness,
    pytest_generate_tests,
)
from tests.reliability.helpers import claimable_event, connect


@pytest.fixture
async def claimable(tmp_path, clock: ManualClock) -> AsyncIterator[Harness]:
    """A running bot (SQLite) in a server connected to a brand, with an event members can /claim."""
    async with running_bot(tmp_path, clock=clock) as h:
        await connect(h)
        await claimable_event(h)
        yield h
