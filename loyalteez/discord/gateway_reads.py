"""Gateway frames are read without a timer each once the connection's keep-alive guards it.

py-cord reads every gateway frame under a timeout of `heartbeat_timeout` (60 s), so that a connection gone
silent is given up on and resumed. aiohttp builds that timeout per read: a timer scheduled and cancelled
for each frame, about 5 % of the bot's event loop in the load benchmark, where each message and reaction
is a frame. From HELLO on, py-cord's keep-alive thread already closes a connection that has received nothing
for `heartbeat_timeout` (it checks at each heartbeat), and the read then ends and the bot resumes as before.
So only the reads before HELLO keep their timer; after it a silent connection is given up on within
`heartbeat_timeout` plus one heartbeat interval rather than exactly `heartbeat_timeout`.
"""

from __future__ import annotations

import functools

from discord.gateway import DiscordWebSocket


def install() -> None:
    """Drop the per-frame read timer of connections the keep-alive guards, once per process."""
    original = DiscordWebSocket.poll_event
    if getattr(original, "__loyalteez_untimed__", False):
        return

    @functools.wraps(original)
    async def poll_event(self: DiscordWebSocket) -> None:
        if self._keep_alive is not None and self._max_heartbeat_timeout is not None:
            # The keep-alive copied the limit when HELLO created it; py-cord reads with no timer when it is None.
            self._max_heartbeat_timeout = None  # type: ignore[assignment]
        await original(self)

    poll_event.__loyalteez_untimed__ = True  # type: ignore[attr-defined]
    DiscordWebSocket.poll_event = poll_event  # type: ignore[method-assign]
