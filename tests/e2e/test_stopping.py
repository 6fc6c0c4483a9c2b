"""Stopping the bot while members wait: a command or click acknowledged before the stop is answered before
the bot closes its HTTP session and its database, and a stop never waits longer than its deadlines, however
slow the database is. The gateway stops first, so nothing new is acknowledged while the bot finishes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from loyalteez import app as app_module
from loyalteez.clock import ManualClock
from loyalteez.discord.quick_answer import QUICK_ANSWER
from loyalteez.emulator import MemberHandle
from loyalteez.emulator.harness import Harness, running_bot
from loyalteez.emulator.interactions import InteractionRecord
from tests.e2e.slow_database import SlowDatabase
from tests.reliability.helpers import CLAIMABLE, claimable_event, connect


@pytest.fixture
async def slow(tmp_path: Any, clock: ManualClock) -> AsyncIterator[tuple[Harness, SlowDatabase]]:
    async with running_bot(tmp_path, clock=clock) as h:
        yield h, SlowDatabase.install(h.app.store)


async def acknowledged(h: Harness, count: int) -> list[InteractionRecord]:
    """Until `count` interactions have been deferred (the members see "thinking…")."""
    for _ in range(200):
        deferred = [r for r in h.emu.interactions.by_id.values() if r.callback_type is not None and not r.complete()]
        if len(deferred) >= count:
            return deferred
        await asyncio.sleep(0.01)
    raise AssertionError("the commands were not acknowledged")


async def test_commands_acknowledged_before_a_stop_are_answered(slow: tuple[Harness, SlowDatabase]) -> None:
    h, db = slow
    admin = h.guild.member("boss", permissions=["manage_guild"])
    await connect(h, admin)
    await claimable_event(h, admin)
    alice, bob = h.guild.member("alice"), h.guild.member("bob")
    await alice.slash("balance")  # both known to the bot already: their first command pays nothing more
    await bob.slash("balance")
    db.delay = QUICK_ANSWER + 0.1  # /balance only reads: it is deferred only when its answer is slower than this
    asked = [asyncio.ensure_future(m.slash(c, o, reply_timeout=10)) for m, c, o in
             [(alice, "claim", {"event": CLAIMABLE}), (bob, "balance", {})]]  # fmt: skip
    await acknowledged(h, 2)

    await h.app.close()
    claim, balance = await asyncio.gather(*asked)
    assert "You earned" in claim.content, claim.content
    assert "Available" in balance.text, balance.text


async def test_a_stop_is_bounded_by_its_deadlines(
    slow: tuple[Harness, SlowDatabase], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    h, db = slow
    monkeypatch.setattr(app_module, "FINISH_WITHIN", 0.3)
    await connect(h, h.guild.member("boss", permissions=["manage_guild"]))
    alice: MemberHandle = h.guild.member("alice")
    await alice.slash("balance")
    db.delay = 60.0  # a database that no longer answers
    asking = asyncio.ensure_future(alice.slash("balance", reply_timeout=30))
    [waiting] = await acknowledged(h, 1)

    began = time.perf_counter()
    await h.app.close()
    assert time.perf_counter() - began < 5
    assert "1 command(s), click(s) or chat event(s) were still being handled" in caplog.text
    assert not waiting.complete()
    asking.cancel()
