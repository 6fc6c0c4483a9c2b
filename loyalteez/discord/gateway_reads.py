"""How the bot reads the gateway: in chunks as big as the stream needs, without a timer per frame.

Chunks. asyncio takes at most 256 KiB from a socket per turn of the event loop. Past the bot's capacity a
turn runs many handlers and can last long, so 256 KiB a turn (a few hundred chat frames) fell behind the
stream: frames waited in the kernel's buffer, up to seconds, and a command's frame waited behind them, unseen
by the backlog that puts interactions first, until Discord's 3 s were over. So while a read fills its chunk
(more is waiting) the gateway's connection takes chunks up to `MOST_READ`, and chat waits in the bot's own
backlog instead (`backlog.py`). Once reads are small again the chunk goes back to asyncio's size: a big one
costs its allocation on every read (a fresh mapping of memory each time; a fixed 4 MiB took about 20 % more
event loop per event at a light load), which only a busy stream repays. `bench/load.py --rate 40` beside a
process taking a whole core, two runs each: interaction frames reached the bot 0.3 and 0.8 s late at the
median instead of 1.5 and 2.5 s, and 459 and 2,528 acknowledgements came after 3 s instead of 4,288 and
7,214. When the machine keeps up, both read them within 15 ms at the median.

Timer. py-cord reads every gateway frame under a timeout of `heartbeat_timeout` (60 s), so that a connection
gone silent is given up on and resumed. aiohttp builds that timeout per read: a timer scheduled and
cancelled for each frame, about 4 µs of the bot's event loop per frame (3-5 % of it at the load benchmark's
saturation, where each message, reaction and interaction is a frame). From HELLO on, py-cord's keep-alive
thread already closes a connection that has received nothing for `heartbeat_timeout` (it checks at each
heartbeat); the read then ends and the bot resumes as before. So reads go untimed only while that thread
runs: before HELLO, or if the thread ever ends with the connection still open, they keep their timer. A
silent connection is given up on within `heartbeat_timeout` plus one heartbeat interval rather than exactly
`heartbeat_timeout`.
"""

from __future__ import annotations

import functools
from typing import Any

from discord.gateway import DiscordWebSocket

MOST_READ = 4 * 1024 * 1024  # the largest chunk taken from the gateway's socket per turn
GROWTH = 4  # a read that fills its chunk makes the next chunk this many times bigger
_ADAPTED = "_loyalteez_adapted"  # on a py-cord websocket whose connection adapts its reads


def install() -> None:
    """Read the gateway in chunks as big as its stream needs, untimed while guarded; once per process."""
    original = DiscordWebSocket.poll_event
    if getattr(original, "__loyalteez_untimed__", False):
        return

    @functools.wraps(original)
    async def poll_event(self: DiscordWebSocket) -> None:
        guard = self._keep_alive
        if guard is not None:
            # The keep-alive copied the limit when HELLO created it; py-cord reads with no timer when it is None.
            self._max_heartbeat_timeout = None if guard.is_alive() else guard.heartbeat_timeout  # type: ignore[assignment]
        if not getattr(self, _ADAPTED, False):
            setattr(self, _ADAPTED, True)
            adapt_reads(self.socket)
        await original(self)

    poll_event.__loyalteez_untimed__ = True  # type: ignore[attr-defined]
    DiscordWebSocket.poll_event = poll_event  # type: ignore[method-assign]


def adapt_reads(socket: Any) -> bool:
    """Let the websocket's connection take bigger chunks while reads fill them; False if it cannot be found.

    A TLS connection (Discord's) reads through its SSL protocol's buffer, a plain one (the local emulator)
    through its transport's: both hold the chunk size in `max_size`, and both hand what one read brought to
    aiohttp's protocol (`data_received`), where the next size is chosen. aiohttp keeps the connection private
    (`_conn`): if a version moves it, the bot reads with asyncio's size, as before.
    """
    conn = getattr(socket, "_conn", None)
    transport, protocol = getattr(conn, "transport", None), getattr(conn, "protocol", None)
    holder: Any = getattr(transport, "_ssl_protocol", None) or transport
    usual = getattr(holder, "max_size", None)
    if not isinstance(usual, int) or protocol is None:
        return False
    received = protocol.data_received

    def data_received(data: bytes) -> None:
        size = holder.max_size
        if len(data) >= size - size // 8:  # it filled the chunk (TLS records take a little of it)
            holder.max_size = min(size * GROWTH, MOST_READ)
        elif size > usual and len(data) < usual // 4:
            holder.max_size = usual
        received(data)

    protocol.data_received = data_received
    return True
