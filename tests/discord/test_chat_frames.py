"""Chat waits in the backlog undecoded, out of the garbage collector's walks, and is counted as before."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from loyalteez.clock import ManualClock
from loyalteez.discord import chat_frames
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN, Harness, running_bot
from tests.reliability.helpers import check_consistent, connect, query


@pytest.fixture(params=["text frames", "zlib-stream"])
async def chatting(request: pytest.FixtureRequest, tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    """The real bot in a connected server, its gateway sending text frames, or compressed ones as Discord
    does when asked (py-cord always asks)."""
    compressed = request.param == "zlib-stream"
    emu = Emulator(token=TOKEN, clock=clock, gateway_compression=compressed)
    async with running_bot(tmp_path, emulator=emu, clock=clock) as h:
        await connect(h)
        connection = emu.gateway.live_connection
        assert connection is not None and (connection.compressor is not None) == compressed
        yield h


async def held_backlog(h: Harness) -> tuple[asyncio.Event, Any]:
    """The real bot's chat backlog, stopped behind a callback until the event returned is set."""
    backlog = h.bot.dispatcher.backlog
    release = asyncio.Event()

    async def hold() -> None:
        await release.wait()

    backlog.after_queued(hold)
    return release, backlog


async def until_queued(backlog: Any, count: int) -> None:
    for _ in range(500):
        if len(backlog) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{len(backlog)} chat events queued, expected {count}")


async def test_waiting_chat_is_not_walked_by_the_collector_and_is_counted_once(chatting: Harness) -> None:
    release, backlog = await held_backlog(chatting)
    general = chatting.guild.channel("general")
    alice, bob = chatting.guild.member("alice"), chatting.guild.member("bob")
    sent = [await alice.say(general, f"gm number {n}, how is everyone") for n in range(30)]
    await bob.react(sent[0], "🎉")
    try:
        await until_queued(backlog, 31)
        waiting = [item[2] for item in list(backlog._queue) if isinstance(item, tuple) and callable(item[1])]
        assert len(waiting) == 31
        assert not any(map(gc.is_tracked, waiting)), "a waiting payload is walked by every collection"
    finally:
        release.set()
    await chatting.settle()
    assert check_consistent(chatting.db_path, chatting.emu)["messages"] == 30
    assert query(chatting.db_path, "SELECT SUM(reactions_count) FROM discord_user_stats") == [(1,)]


async def test_half_an_emoji_in_chat_is_still_counted(chatting: Harness) -> None:
    """msgspec refuses a lone surrogate that the standard library reads: that frame takes py-cord's path."""
    general = chatting.guild.channel("general")
    await chatting.guild.member("alice").say(general, "half an emoji \ud83d and the rest of a long message")
    await chatting.settle()
    assert check_consistent(chatting.db_path, chatting.emu)["messages"] == 1


async def test_a_chat_payload_that_cannot_be_read_costs_one_line_and_chat_goes_on(
    chatting: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="loyalteez")
    chatting.emu.send_raw('{"op": 0, "t": "MESSAGE_CREATE", "d": [1, 2, 3]}')
    chatting.emu.send_raw('{"op": 0, "t": "MESSAGE_REACTION_ADD", "d": "not an event"}')
    await chatting.guild.member("alice").say(chatting.guild.channel("general"), "still here, still counted")
    await chatting.settle()
    assert check_consistent(chatting.db_path, chatting.emu)["messages"] == 1
    noisy = [r for r in caplog.records if r.exc_info is not None or "\n" in r.getMessage()]
    assert not noisy and len(caplog.records) >= 2, [r.getMessage() for r in caplog.records]


FRAMES = [
    {"op": 0, "t": "MESSAGE_CREATE", "s": 7, "d": {"id": "1", "content": "gm", "mentions": [], "author": {"id": "2"}}},
    {"op": 0, "t": "INTERACTION_CREATE", "s": 8, "d": {"id": "3", "data": {"options": [{"value": 1}]}}},
    {"op": 11},
    {"op": 10, "d": {"heartbeat_interval": 41250}},
    {"op": 0, "t": "MESSAGE_REACTION_ADD", "s": None, "d": {"emoji": {"name": "🎉"}, "user_id": "4"}},
]


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: str(f.get("t") or f["op"]))
def test_a_frame_reads_as_py_cord_reads_it(frame: dict[str, Any]) -> None:
    def queue(data: Any) -> None: ...

    parsers = {"MESSAGE_CREATE": chat_frames.decodes_later(queue), "MESSAGE_REACTION_ADD": lambda data: None}
    text = json.dumps(frame)
    read = chat_frames.read_frame(text, parsers)
    assert read is not None
    payload = read["d"]
    if chat_frames.is_undecoded(payload):
        assert frame["t"] == "MESSAGE_CREATE", "only an event whose parser decodes later stays undecoded"
        payload = chat_frames.decode_payload(payload)
    whole = json.loads(text)
    assert {**read, "d": payload} == {"op": whole["op"], "t": whole.get("t"), "s": whole.get("s"), "d": whole.get("d")}


@pytest.mark.parametrize(
    "text",
    ["not json", "[1, 2]", '{"op": "0", "t": "MESSAGE_CREATE", "d": {}}', '{"op": 0, "t": 5}', '{"d": {}}', b"{}"],
)
def test_a_frame_the_envelope_does_not_fit_takes_py_cords_path(text: str | bytes) -> None:
    def queue(data: Any) -> None: ...

    assert chat_frames.read_frame(text, {"MESSAGE_CREATE": chat_frames.decodes_later(queue)}) is None


def test_a_compressed_frame_in_pieces_is_read_once_whole() -> None:
    """Discord may split a compressed frame over several websocket messages: only the last piece ends with
    zlib's flush marker, and the stream's state carries over from frame to frame."""

    class Stream:
        def __init__(self) -> None:
            self._buffer: bytearray = bytearray()
            self._zlib: Any = zlib.decompressobj()

    sender, stream = zlib.compressobj(), Stream()
    frames = ['{"op": 0, "t": "MESSAGE_CREATE", "s": 1, "d": {"content": "gm"}}', '{"op": 11}']
    packed = [sender.compress(text.encode()) + sender.flush(zlib.Z_SYNC_FLUSH) for text in frames]
    first, second = packed
    assert chat_frames.inflate(stream, first[:5]) is None
    assert chat_frames.inflate(stream, first[5:]) == frames[0]
    assert chat_frames.inflate(stream, second) == frames[1]
