"""Gateway frames after HELLO are read without a timer each, and a silent connection is still given up on."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN, Harness, running_bot
from tests.reliability.helpers import check_consistent, connect


@pytest.fixture
def read_timeouts(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    """The timeout of every gateway read the bot makes from now on (the emulator's reads are server-side)."""
    timeouts: list[float | None] = []
    original = aiohttp.ClientWebSocketResponse.receive

    async def receive(self: aiohttp.ClientWebSocketResponse, timeout: float | None = None) -> Any:
        timeouts.append(timeout)
        return await original(self, timeout)

    monkeypatch.setattr(aiohttp.ClientWebSocketResponse, "receive", receive)
    return timeouts


async def test_chat_after_hello_is_read_without_a_timer_per_frame(
    claimable: Harness, read_timeouts: list[float | None]
) -> None:
    general = claimable.guild.channel("general")
    for member in ("alice", "bob", "alice"):
        await claimable.guild.member(member).say(general, "gm everyone, how is it going")
    await claimable.settle()
    assert check_consistent(claimable.db_path, claimable.emu)["messages"] == 3  # each counted once
    assert len(read_timeouts) >= 3, read_timeouts
    assert set(read_timeouts) == {None}, "a read after HELLO still armed a timer"


async def test_a_connection_gone_silent_is_still_resumed(tmp_path, clock: ManualClock) -> None:
    emu = Emulator(token=TOKEN, clock=clock, heartbeat_interval=0.05)
    async with running_bot(tmp_path, emulator=emu, clock=clock, bot_options={"heartbeat_timeout": 0.3}) as h:
        await connect(h)
        resumed = emu.gateway.next_ready()
        emu.stop_heartbeat_acks()
        emu.gateway.send_op(11)  # the last frame the bot sees before the silence
        await asyncio.wait_for(resumed, 10)  # the keep-alive closed the silent connection; the bot resumed
        emu.resume_heartbeat_acks()
        assert emu.gateway.resume_count == 1
        general = h.guild.channel("general")
        await h.guild.member("alice").say(general, "still counted after the resume")
        await h.settle()
        assert check_consistent(h.db_path, emu)["messages"] == 1


async def test_reads_are_timed_again_once_the_keep_alive_has_stopped(tmp_path, clock: ManualClock) -> None:
    """Without its keep-alive thread nothing else would notice the silence: the per-frame timer comes back."""
    emu = Emulator(token=TOKEN, clock=clock, heartbeat_interval=0.05)
    async with running_bot(tmp_path, emulator=emu, clock=clock, bot_options={"heartbeat_timeout": 0.3}) as h:
        await connect(h)
        keep_alive = h.bot.ws._keep_alive
        keep_alive.stop()
        await asyncio.to_thread(keep_alive.join, 2)
        resumed = emu.gateway.next_ready()
        emu.stop_heartbeat_acks()
        emu.gateway.send_op(11)  # ends the read begun while the keep-alive ran; the next one is timed
        await asyncio.wait_for(resumed, 10)  # 0.3 s of silence, then the bot gave up and resumed
        emu.resume_heartbeat_acks()
        assert emu.gateway.resume_count == 1
