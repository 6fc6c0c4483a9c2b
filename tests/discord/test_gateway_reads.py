"""The gateway is read in big chunks and, after HELLO, without a timer per frame; a silent connection is still
given up on."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from loyalteez.clock import ManualClock
from loyalteez.discord.gateway_reads import MOST_READ, adapt_reads
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


def count_reads(socket: Any) -> list[tuple[int, int]]:
    """For every read of the websocket's connection from now on: its size, and the chunk size it left."""
    protocol = socket._conn.protocol
    received, reads = protocol.data_received, []

    def data_received(data: bytes) -> None:
        received(data)
        reads.append((len(data), chunk_size(socket)))

    protocol.data_received = data_received
    return reads


def chunk_size(socket: Any) -> int:
    transport = socket._conn.transport
    return int((getattr(transport, "_ssl_protocol", None) or transport).max_size)


async def test_a_burst_is_read_in_bigger_chunks_and_light_traffic_in_the_usual_ones(claimable: Harness) -> None:
    """256 KiB a turn fell behind a busy stream, and commands' frames waited behind the unread chat."""
    socket = claimable.bot.ws.socket
    usual = chunk_size(socket)
    reads = count_reads(socket)
    for _ in range(3000):  # about 3 MB at once: heartbeat acks padded to 1 kB, which py-cord reads and drops
        claimable.emu.gateway.send_op(11, "x" * 1000)
    for _ in range(1000):  # the acks are no events: wait until the bot has read them all
        if sum(size for size, _ in reads) >= 3_000_000:
            break
        await asyncio.sleep(0.01)
    burst = list(reads)
    assert sum(size for size, _ in burst) >= 3_000_000, burst
    assert max(size for size, _ in burst) > usual, f"every read took at most asyncio's {usual} bytes: {burst}"
    alice, general = claimable.guild.member("alice"), claimable.guild.channel("general")
    for text in ("gm after the burst", "and a second line", "and a third"):
        await alice.say(general, text)
        await claimable.settle()
    assert reads[-1][1] == usual, reads[len(burst) :]  # light traffic: the usual chunk again
    assert check_consistent(claimable.db_path, claimable.emu)["messages"] == 3


@pytest.fixture
def tls_context(tmp_path: Path) -> ssl.SSLContext:
    """A server context with a throwaway self-signed certificate (Discord's gateway is TLS)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a certificate for the TLS test")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
async def tls_echo(tls_context: ssl.SSLContext) -> AsyncIterator[str]:
    """A TLS websocket that sends back every text it gets."""

    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        async for message in ws:
            await ws.send_str(message.data)
        return ws

    app = web.Application()
    app.router.add_get("/", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls_context)
    await site.start()
    port = runner.addresses[0][1]
    yield f"https://127.0.0.1:{port}/"
    await runner.cleanup()


async def test_a_tls_connection_adapts_its_chunks_and_still_reads_every_frame(tls_echo: str) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(tls_echo, ssl=False, max_msg_size=0) as ws:
        assert adapt_reads(ws)
        usual = chunk_size(ws)
        reads = count_reads(ws)
        texts = ["x" * 700 + str(n) for n in range(3000)]  # about 2 MB, echoed while we do not read
        for text in texts:
            await ws.send_str(text)
        received = [(await ws.receive(timeout=10)).data for _ in texts]
        assert received == texts
        assert usual < max(chunk for _, chunk in reads) <= MOST_READ, reads  # reads filled their chunk: it grew
        for text in ("light", "traffic", "again"):
            await ws.send_str(text)
            assert (await ws.receive(timeout=10)).data == text
        assert chunk_size(ws) == usual, reads


def test_an_unknown_connection_is_left_as_it_is() -> None:
    """An aiohttp that keeps its connection elsewhere: the bot reads with asyncio's size, as before."""
    assert adapt_reads(object()) is False
