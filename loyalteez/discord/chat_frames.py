"""Chat waits in the backlog as the JSON it came in: the gateway reader decodes only a frame's envelope.

Past the bot's capacity the chat backlog (backlog.py) holds tens of thousands of messages and reactions.
Decoded, each is a tree of dicts and lists (author, member, mentions, ...) that the garbage collector walks
again at every collection while it waits, and every command in flight waits through those pauses. So when
msgspec is installed, the reader decodes a frame's envelope (op, t, s) and, for an event the backlog takes,
keeps its payload undecoded: msgspec's `Raw`, a view of the frame's text that the collector does not track.
The backlog decodes it when its turn comes. Every other frame is decoded whole at once, as before, and a
frame the envelope does not fit (not JSON, a value of the wrong type, half an emoji that msgspec refuses)
takes py-cord's own path unchanged, where a bad frame costs one log line. Discord compresses the gateway
for py-cord (zlib-stream), so a compressed frame is inflated first, through py-cord's own decompressor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol

try:
    import msgspec
except ModuleNotFoundError:  # optional (requirements.txt): without it every frame is decoded whole
    msgspec = None  # type: ignore[assignment]

DISPATCH = 0  # the gateway's opcode for an event
ZLIB_FLUSH = b"\x00\x00\xff\xff"  # ends every whole frame of a zlib-stream gateway
# Marks a parser that only queues its payload for the backlog, which decodes it (`decodes_later`).
_LATER = "__loyalteez_decodes_later__"


def decodes_later(parser: Callable[[Any], None]) -> Callable[[Any], None]:
    """Mark `parser` as taking payloads undecoded (`is_undecoded`), to `decode_payload` in its own time."""
    setattr(parser, _LATER, True)
    return parser


def takes_undecoded(parser: Callable[[Any], None] | None) -> bool:
    """Was `parser` marked by `decodes_later`?"""
    return getattr(parser, _LATER, False)


if msgspec is not None:

    class _Envelope(msgspec.Struct):
        op: int
        t: str | None = None
        s: int | None = None
        d: msgspec.Raw = msgspec.Raw(b"null")

    _envelope: Callable[[Any], _Envelope] | None = msgspec.json.Decoder(_Envelope).decode
    _decode: Callable[[Any], Any] = msgspec.json.Decoder().decode
else:
    _envelope = None
    _decode = json.loads


def is_undecoded(data: Any) -> bool:
    """A payload `read_frame` left undecoded."""
    return msgspec is not None and type(data) is msgspec.Raw


def decode_payload(raw: Any) -> Any:
    """An undecoded payload as py-cord would have decoded it; ValueError when it is not JSON."""
    try:
        return _decode(raw)
    except ValueError:  # what msgspec refuses and the standard library reads
        return json.loads(bytes(raw))


class ZlibStream(Protocol):
    """py-cord's websocket's own zlib-stream state (its `received_message` reads the same)."""

    _buffer: bytearray
    _zlib: Any


def inflate(ws: ZlibStream, chunk: bytes) -> str | None:
    """A compressed frame's text once its last piece is in (None before), through py-cord's own buffer and
    decompressor, so the stream stays in step: py-cord connects with `compress=zlib-stream`, and Discord then
    sends every frame compressed."""
    ws._buffer.extend(chunk)
    if len(chunk) < 4 or chunk[-4:] != ZLIB_FLUSH:
        return None
    whole, ws._buffer = ws._buffer, bytearray()
    text: str = ws._zlib.decompress(whole).decode("utf-8")
    return text


def read_frame(text: Any, parsers: Mapping[str, Callable[[Any], None]]) -> dict[str, Any] | None:
    """The frame decoded as py-cord reads it, an event whose parser `decodes_later` keeping its payload
    undecoded; None when the frame must take py-cord's own path (not text, no msgspec, or the envelope
    does not fit)."""
    if _envelope is None or not isinstance(text, str):
        return None
    try:
        frame = _envelope(text)
        if frame.op == DISPATCH and frame.t is not None and takes_undecoded(parsers.get(frame.t)):
            data: Any = frame.d
        else:
            data = _decode(frame.d)
    except ValueError:  # msgspec's decode and validation errors
        return None
    return {"op": frame.op, "t": frame.t, "s": frame.s, "d": data}
