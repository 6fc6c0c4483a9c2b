"""Gateway faults under a steady stream of messages and commands, with the REAL App: nothing lost, nothing doubled.

Each test runs members chatting (greetings and small talk) and claiming a no-cooldown event while the
connection is cut, resumed with replay, invalidated (fresh IDENTIFY, then catch-up) or left without
heartbeat ACKs, then checks the ledger: every message counted exactly once, every greeting paid once a day,
every claim whose "You earned" reply reached the member in the ledger, no idempotency key twice, stats equal
to the ledger (tests/reliability/helpers.py: check_consistent).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Sequence

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import TOKEN, Harness, running_bot
from loyalteez.emulator.state import Channel
from tests.conftest import REPORT
from tests.reliability.helpers import CLAIMABLE, check_consistent, claimable_event, connect

LINES = ["gm", "good morning all", "lol", "anyone here?", "gm fam", "nice", "that drop was wild", "brb"]


async def chat(members: Sequence[MemberHandle], channel: Channel, count: int, seed: int = 1) -> None:
    """`count` messages, round robin, yielding to the loop between them (the bot works meanwhile)."""
    rng = random.Random(seed)
    for n in range(count):
        await members[n % len(members)].say(channel, rng.choice(LINES))
        await asyncio.sleep(0.002)


async def claims(members: Sequence[MemberHandle], count: int) -> int:
    """/claim bonus repeatedly; a claim that Discord cannot deliver (no session) simply fails, as in Discord."""
    answered = 0
    for n in range(count):
        with contextlib.suppress(AssertionError):
            reply = await members[n % len(members)].slash("claim", event=CLAIMABLE, reply_timeout=3)
            answered += "You earned" in reply.content
        await asyncio.sleep(0.005)
    return answered


async def ready_server(h: Harness, size: int = 8) -> tuple[list[MemberHandle], Channel]:
    await connect(h)
    await claimable_event(h)
    return [h.guild.member(f"member{n}") for n in range(size)], h.guild.channel("general")


async def test_connection_dropped_mid_stream_resumes_and_replays(harness: Harness, emu: Emulator) -> None:
    members, general = await ready_server(harness)
    talking = asyncio.create_task(chat(members, general, 240))
    claiming = asyncio.create_task(claims(members, 30))
    for code in (None, None, 4000):
        await asyncio.sleep(0.05)
        await emu.drop_connection(code=code)
    await talking
    answered = await claiming
    await emu.settle()
    numbers = check_consistent(harness.db_path, emu)
    assert emu.gateway.resume_count == 3 and emu.gateway.identify_count == 1
    assert answered == numbers["claims paid"] > 0
    REPORT["gateway: 3 drops mid-stream"] = f"{numbers} resumed 3x, replayed {emu.gateway.replayed} events"


async def test_resume_replays_what_was_sent_while_offline(harness: Harness, emu: Emulator) -> None:
    members, general = await ready_server(harness)
    await chat(members, general, 20)
    async with emu.disconnected():
        await chat(members, general, 60, seed=2)
    await chat(members, general, 20, seed=3)
    await emu.settle()
    numbers = check_consistent(harness.db_path, emu)
    assert emu.gateway.replayed >= 60 and numbers["messages"] == 100


async def test_invalid_session_identifies_afresh_and_catches_up(harness: Harness, emu: Emulator) -> None:
    members, general = await ready_server(harness)
    await chat(members, general, 30)
    await emu.settle()
    gateway = emu.gateway
    gateway.hold_connections()  # the bot reconnects into a wait: members go on talking meanwhile
    ready = gateway.next_ready()
    gateway.invalidate(resumable=False)
    await chat(members, general, 80, seed=2)  # no session: Discord delivers none of these
    claiming = asyncio.create_task(claims(members, 10))  # nor these commands
    await asyncio.sleep(0.05)
    gateway.release_connections()
    await asyncio.wait_for(ready, 10)
    await chat(members, general, 30, seed=3)
    await claiming
    await emu.settle()
    numbers = check_consistent(harness.db_path, emu)
    assert gateway.identify_count == 2 and numbers["messages"] == 140
    fetched = sum(r.fetched for r in harness.app.services.catchup.reports)
    assert fetched >= 80, "the 80 undelivered messages came back through the catch-up"
    REPORT["gateway: INVALID_SESSION + catch-up"] = f"{numbers}, {fetched} messages fetched from history"


async def test_unacknowledged_heartbeats_reconnect_without_loss(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock, heartbeat_interval=0.05)
    async with running_bot(tmp_path, emulator=emu, clock=clock, bot_options={"heartbeat_timeout": 0.3}) as h:
        members, general = await ready_server(h)
        await chat(members, general, 20)
        ready = emu.gateway.next_ready()
        emu.stop_heartbeat_acks()
        emu.gateway.send_op(11)
        talking = asyncio.create_task(chat(members, general, 60, seed=2))
        await asyncio.wait_for(ready, 10)  # py-cord gave up on the zombie connection and resumed
        emu.resume_heartbeat_acks()
        await talking
        await h.settle()
        numbers = check_consistent(h.db_path, emu)
        assert emu.gateway.resume_count >= 1 and numbers["messages"] == 80


async def test_every_fault_in_a_row(harness: Harness, emu: Emulator, guild: GuildHandle) -> None:
    """Drop, RESUME after an offline window, op 7, invalid session: one stream of traffic across all of them."""
    members, general = await ready_server(harness, size=12)
    talking = asyncio.create_task(chat(members, general, 400))
    claiming = asyncio.create_task(claims(members, 40))
    await asyncio.sleep(0.05)
    await emu.drop_connection()
    async with emu.disconnected():
        await asyncio.sleep(0.05)
    await emu.request_reconnect()
    await emu.invalidate_session()
    await talking
    await claiming
    await emu.settle()
    numbers = check_consistent(harness.db_path, emu)
    assert numbers["messages"] == 400 and emu.gateway.identify_count == 2
