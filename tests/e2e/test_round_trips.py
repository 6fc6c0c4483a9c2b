"""Round trips to PostgreSQL per command, through the real bot: what a remote database (Supabase, tens of
milliseconds away) makes each command cost, bounded so a change that adds chatty queries fails here.

The bot's database link runs through the latency proxy (no delay), which counts the round trips the wire
really carried; the engine's own counter must agree with it, so benchmarks and logs can trust it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator import GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness, app_factory, running_bot
from loyalteez.testing.latency_proxy import LatencyProxy
from tests.conftest import PG_VIA, REPORT, pg_store_schema, with_query
from tests.discord.cogs.test_drops import button_drop, drop_event
from tests.discord.helpers import fund

# Upper bounds, in round trips on the wire (a statement, a statement's first prepare on a connection, or
# several queued writes sent together with BEGIN, the next statement or COMMIT). Before queued writes and
# merged reads: /balance 5, /leaderboard 4, /daily 22, drop claim 13, /perk-buy 7, about 1.1 per message.
# /daily was 12 before its streak row was read ahead, its settings came from the cached config, its check-in
# and streak rows went in one round trip and the rollups' three check-in reads became one, read ahead.
BOUNDS = {
    "/balance": 4,
    "/leaderboard": 2,
    "/daily": 5,
    "drop claim": 5,
    "/perk-buy": 5,
}
# A message's share of its batch, at about 100 messages a second: about 0.08 measured (0.13 with 100 ms
# batches, 0.4 while every batch held the rewards locks across its reads). A chat batch is one round trip
# (its guarded write), a paying one two (its checks, read ahead); on a database a network away a batch
# gathers 200 ms of chat, so about five batches a second.
PER_MESSAGE = 0.1


@pytest.fixture
async def proxy() -> AsyncIterator[LatencyProxy]:
    if PG_VIA:
        pytest.skip("bounds are for a direct connection: behind a pooler every statement is prepared again")
    async with pg_store_schema() as url, LatencyProxy.in_front_of(url) as proxy:
        # Bounds for a database a network away, where the bot decides reward writes before taking the
        # rewards locks by itself; the proxy adds no delay, so that is asked for.
        proxy.database_url = with_query(proxy.url(url), optimistic_writes="on")  # type: ignore[attr-defined]
        yield proxy


@pytest.fixture
async def harness(tmp_path, clock: ManualClock, proxy: LatencyProxy) -> AsyncIterator[Harness]:
    """The real bot on PostgreSQL only, through the proxy: round trips are what a network database charges."""
    factory = app_factory(database_url=proxy.database_url)  # type: ignore[attr-defined]
    async with running_bot(tmp_path, clock=clock, app_factory=factory) as h:
        yield h


class Counter:
    def __init__(self, harness: Harness, proxy: LatencyProxy) -> None:
        self.harness, self.proxy = harness, proxy
        self.db = harness.app.store.db
        self.found: dict[str, tuple[int, int]] = {}

    async def count(self, name: str, work: Awaitable[Any]) -> Any:
        """Run one user action and record its round trips (engine count, wire count)."""
        writer = self.harness.app.services.rewards.writer
        await writer.flush()
        await self.harness.settle()
        engine, wire = self.db.round_trips, self.proxy.round_trips
        self.db.trace = []
        result = await work
        await writer.flush()
        self.found[name] = (self.db.round_trips - engine, self.proxy.round_trips - wire)
        if os.environ.get("SHOW_TRIPS"):
            print(f"== {name}: {self.found[name]}\n  " + "\n  ".join(t[:150] for t in self.db.trace or []))
        return result


async def test_round_trips_per_command_stay_within_their_bounds(
    harness: Harness, proxy: LatencyProxy, connected, admin: MemberHandle, alice: MemberHandle, guild: GuildHandle
) -> None:
    trips = Counter(harness, proxy)
    general = guild.channel("general")
    bob, carol = guild.member("bob"), guild.member("carol")
    await fund(admin, alice, 500)
    await drop_event(admin, cap=50)
    await admin.slash("perk create", name="Golden mug", cost=100, quantity=3)
    for member in (alice, bob):  # every statement once on a pooled connection: prepared from then on
        for name in ("balance", "leaderboard", "daily"):
            await member.slash(name)
    await alice.slash("perk-buy", perk="Golden mug")

    assert "Available" in (await trips.count("/balance", carol.slash("balance"))).text
    await trips.count("/leaderboard", carol.slash("leaderboard"))
    assert "LTZ" in (await trips.count("/daily", carol.slash("daily"))).text
    posted = await button_drop(harness, admin)
    await alice.click(posted, "Claim")
    assert "You claimed" in (await trips.count("drop claim", carol.click(posted, "Claim"))).content
    await fund(admin, bob, 500)
    assert "You bought" in (await trips.count("/perk-buy", bob.slash("perk-buy", perk="Golden mug"))).content

    members = [guild.member(f"m{i}") for i in range(10)]

    async def chat() -> None:
        """100 messages at about 100 a second; every member's first is a morning greeting, which pays."""
        for i in range(100):
            await members[i % 10].say(general, "gm" if i < 10 else f"what a day, message number {i}")
            await asyncio.sleep(0.01)
        await harness.settle()

    await trips.count("100 messages", chat())
    for name, bound in BOUNDS.items():
        engine, wire = trips.found[name]
        assert wire <= bound, f"{name}: {wire} round trips, more than {bound}"
        assert engine == wire, f"{name}: the engine counted {engine} round trips, the wire carried {wire}"
    engine, wire = trips.found["100 messages"]
    assert wire / 100 <= PER_MESSAGE, f"{wire / 100:.2f} round trips per message"
    assert engine <= wire  # the engine does not see statements prepared for the first time on a connection
    REPORT["round trips per command (PostgreSQL)"] = ", ".join(f"{n} {w}" for n, (_, w) in trips.found.items())
