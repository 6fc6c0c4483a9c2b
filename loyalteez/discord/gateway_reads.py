"""Gateway frames are read without a timer each while the connection's keep-alive guards it.

py-cord reads every gateway frame under a timeout of `heartbeat_timeout` (60 s), so that a connection gone
silent is given up on and resumed. aiohttp builds that timeout per read: a timer scheduled and cancelled for
each frame, about 4 µs of the bot's event loop per frame (3-5 % of it at the load benchmark's saturation,
where each message, reaction and interaction is a frame). From HELLO on, py-cord's keep-alive thread already
closes a connection that has received nothing for `heartbeat_timeout` (it checks at each heartbeat); the
read then ends and the bot resumes as before. So reads go untimed only while that thread runs: before HELLO,
or if the thread ever ends with the connection still open, they keep their timer. A silent connection is
given up on within `heartbeat_timeout` plus one heartbeat interval rather than exactly `heartbeat_timeout`.
"""

from __future__ import annotations

import functools

from discord.gateway import DiscordWebSocket


def install() -> None:
    """Drop the per-frame read timer while a connection's keep-alive guards it, once per process."""
    original = DiscordWebSocket.poll_event
    if getattr(original, "__loyalteez_untimed__", False):
        return

    @functools.wraps(original)
    async def poll_event(self: DiscordWebSocket) -> None:
        guard = self._keep_alive
        if guard is not None:
            # The keep-alive copied the limit when HELLO created it; py-cord reads with no timer when it is None.
            self._max_heartbeat_timeout = None if guard.is_alive() else guard.heartbeat_timeout  # type: ignore[assignment]
        await original(self)

    poll_event.__loyalteez_untimed__ = True  # type: ignore[attr-defined]
    DiscordWebSocket.poll_event = poll_event  # type: ignore[method-assign]
