"""A malformed gateway payload costs one log line, never the connection or the process.

Plain py-cord lets an exception from an event parser, or from decoding a frame, escape its connect
loop, which ends `Client.start()`. Real Discord rarely sends such frames, but a loyalty bot that dies
on one loses every reward until someone restarts it.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

import discord.utils
from discord.gateway import DiscordWebSocket

from loyalteez.discord import chat_frames

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
    """Make the websocket skip frames it cannot decode instead of dropping the whole connection (and read
    with `json` what msgspec refuses but `json` reads). Frames are decoded here, leaving chat undecoded for
    the backlog (chat_frames.py); py-cord then takes the decoded frame as it is."""
    tolerate_lone_surrogates()
    original = DiscordWebSocket.received_message
    if getattr(original, "__loyalteez_guarded__", False):
        return

    @functools.wraps(original)
    async def received_message(self: DiscordWebSocket, msg: Any, /) -> None:
        try:
            if type(msg) is bytes:
                msg = chat_frames.inflate(self, msg)
                if msg is None:
                    return  # the rest of the frame comes in the next message
            frame = chat_frames.read_frame(msg, self._discord_parsers)
            await original(self, msg if frame is None else frame)
        except _PAYLOAD_ERRORS as exc:
            preview = msg[:80] if isinstance(msg, str | bytes) else type(msg).__name__
            log.warning("skipped undecodable gateway frame %r: %s: %s", preview, type(exc).__name__, exc)

    received_message.__loyalteez_guarded__ = True  # type: ignore[attr-defined]
    DiscordWebSocket.received_message = received_message  # type: ignore[method-assign]


def tolerate_lone_surrogates() -> None:
    """py-cord decodes JSON with msgspec when it is installed (faster), which refuses a lone surrogate escape
    (half an emoji) that the standard library reads: such a frame or response is read by `json` instead, so
    installing msgspec loses no message."""
    decode = discord.utils._from_json
    if getattr(decode, "__loyalteez_tolerant__", False) or decode is json.loads:
        return

    def from_json(data: Any) -> Any:
        if type(data) is dict:  # a gateway frame guard_frames has decoded already
            return data
        try:
            return decode(data)
        except ValueError:
            return json.loads(data)

    from_json.__loyalteez_tolerant__ = True  # type: ignore[attr-defined]
    discord.utils._from_json = from_json  # type: ignore[assignment]
