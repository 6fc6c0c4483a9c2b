"""Acknowledgements travel on connections of their own: with every connection of py-cord's HTTP session taken
(as answers held them all under load), a paying command and a button are still acknowledged within Discord's
3 s, and answered once a connection is free again; a command that only reads, whose answer is its
acknowledgement, is answered at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator.harness import Harness, running_bot
from tests.discord.cogs.test_drops import button_drop, drop_event
from tests.reliability.helpers import CLAIMABLE, claimable_event, connect


@pytest.fixture
async def harness(tmp_path, clock: ManualClock) -> AsyncIterator[Harness]:
    async with running_bot(tmp_path, clock=clock) as h:
        yield h


async def test_commands_and_clicks_are_acknowledged_while_every_shared_connection_is_taken(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = harness.guild.member("boss", permissions=["manage_guild"])
    await connect(harness, admin)
    await claimable_event(harness, admin)
    await drop_event(admin, cap=None)
    posted = await button_drop(harness, admin)
    shared = harness.bot.http._HTTPClient__session.connector
    free = asyncio.Event()
    connect_to = aiohttp.TCPConnector.connect

    async def taken(self: aiohttp.TCPConnector, *args: Any, **kwargs: Any) -> Any:
        if self is shared:
            await free.wait()  # every connection of py-cord's session is busy answering
        return await connect_to(self, *args, **kwargs)

    monkeypatch.setattr(aiohttp.TCPConnector, "connect", taken)
    alice, bob, carol = (harness.guild.member(name) for name in ("alice", "bob", "carol"))
    waiting = [
        asyncio.ensure_future(alice.slash("claim", event=CLAIMABLE, reply_timeout=30)),
        asyncio.ensure_future(bob.click(posted, "Claim", reply_timeout=30)),
    ]
    try:
        balance = await carol.slash("balance", reply_timeout=1.5)
        assert not balance.deferred and balance.embeds, balance
        await asyncio.sleep(1.5)
        records = [r for r in harness.emu.interactions if r.user.id in (alice.id, bob.id)]
        assert len(records) == 2 and all(r.acknowledged is not None for r in records), [r.describe() for r in records]
        assert not any(w.done() for w in waiting), "the answers wait for a connection; the acknowledgements did not"
    finally:
        free.set()
    claim, click = await asyncio.gather(*waiting)
    assert claim.deferred and "You earned" in claim.content, claim
    assert click.deferred and "You claimed" in click.content, click
