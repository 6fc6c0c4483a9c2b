"""A malformed gateway payload costs one log line, never the connection or the process.

Plain py-cord lets an exception from an event parser, or from decoding a frame, escape its connect
loop, which ends `Client.start()`. Real Discord rarely sends such frames, but a loyalty bot that dies
on one loses every reward until someone restarts it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from discord.gateway import DiscordWebSocket

log = logging.getLogger("loyalteez.gateway")
# Decoding and shape errors of one frame; connection-level exceptions (reconnect, closed) pass through.
_PAYLOAD_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """Wrap every event parser so a bad event is logged and skipped (the dict is shared with the socket)."""
    for name, parse in list(parsers.items()):
        if getattr(parse, "__loyalteez_guarded__", False):
            continue
        parsers[name] = _guarded_parser(name, parse)


def _guarded_parser(name: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    @functools.wraps(parse)
    def run(data: Any) -> None:
        try:
            parse(data)
        except _PAYLOAD_ERRORS as exc:
            log.warning("skipped malformed %s event: %s: %s", name, type(exc).__name__, exc)

    run.__loyalteez_guarded__ = True  # type: ignore[attr-defined]
    return run


def guard_frames() -> None:
    """Make the websocket skip frames it cannot decode instead of dropping the whole connection."""
    original = DiscordWebSocket.received_message
    if getattr(original, "__loyalteez_guarded__", False):
        return

    @functools.wraps(original)
    async def received_message(self: DiscordWebSocket, msg: Any, /) -> None:
        try:
            await original(self, msg)
        except _PAYLOAD_ERRORS as exc:
            preview = msg[:80] if isinstance(msg, str | bytes) else type(msg).__name__
            log.warning("skipped undecodable gateway frame %r: %s: %s", preview, type(exc).__name__, exc)

    received_message.__loyalteez_guarded__ = True  # type: ignore[attr-defined]
    DiscordWebSocket.received_message = received_message  # type: ignore[method-assign]
