"""Chat waits in the backlog undecoded, out of the garbage collector's walks, and is counted as before."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from typing import Any

import pytest

from loyalteez.discord import chat_frames
from loyalteez.emulator.harness import Harness
from tests.reliability.helpers import check_consistent, query


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


async def test_waiting_chat_is_not_walked_by_the_collector_and_is_counted_once(claimable: Harness) -> None:
    release, backlog = await held_backlog(claimable)
    general = claimable.guild.channel("general")
    alice, bob = claimable.guild.member("alice"), claimable.guild.member("bob")
    sent = [await alice.say(general, f"gm number {n}, how is everyone") for n in range(30)]
    await bob.react(sent[0], "🎉")
    try:
        await until_queued(backlog, 31)
        waiting = [item[2] for item in list(backlog._queue) if isinstance(item, tuple) and callable(item[1])]
        assert len(waiting) == 31
        assert not any(map(gc.is_tracked, waiting)), "a waiting payload is walked by every collection"
    finally:
        release.set()
    await claimable.settle()
    assert check_consistent(claimable.db_path, claimable.emu)["messages"] == 30
    assert query(claimable.db_path, "SELECT SUM(reactions_count) FROM discord_user_stats") == [(1,)]


async def test_half_an_emoji_in_chat_is_still_counted(claimable: Harness) -> None:
    """msgspec refuses a lone surrogate that the standard library reads: that frame takes py-cord's path."""
    general = claimable.guild.channel("general")
    await claimable.guild.member("alice").say(general, "half an emoji \ud83d and the rest of a long message")
    await claimable.settle()
    assert check_consistent(claimable.db_path, claimable.emu)["messages"] == 1


async def test_a_chat_payload_that_cannot_be_read_costs_one_line_and_chat_goes_on(
    claimable: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="loyalteez")
    claimable.emu.send_raw('{"op": 0, "t": "MESSAGE_CREATE", "d": [1, 2, 3]}')
    claimable.emu.send_raw('{"op": 0, "t": "MESSAGE_REACTION_ADD", "d": "not an event"}')
    await claimable.guild.member("alice").say(claimable.guild.channel("general"), "still here, still counted")
    await claimable.settle()
    assert check_consistent(claimable.db_path, claimable.emu)["messages"] == 1
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
