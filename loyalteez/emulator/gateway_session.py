"""A gateway session (what a RESUME continues) and the connection currently carrying it.

Every dispatched event gets its sequence number at the moment it is emitted and is kept in the
session's replay buffer, so a client that RESUMEs receives exactly the events it missed, once.
Frames are written by one writer task per connection, which keeps them in sequence order.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from .gateway_routing import serves

log = logging.getLogger("loyalteez.emulator.gateway")

REPLAY_LIMIT = 50_000  # events kept for RESUME; older sequences get op 9


class ServerSocket(Protocol):
    """The emulator's end of a gateway connection: aiohttp's WebSocketResponse, or the in-process pipe."""

    @property
    def closed(self) -> bool: ...

    async def send_str(self, data: str, compress: int | None = None) -> None: ...

    async def send_bytes(self, data: bytes, compress: int | None = None) -> None: ...

    async def close(self, *, code: int = ..., message: bytes = ..., drain: bool = ...) -> bool: ...

    def __aiter__(self) -> Any: ...


@dataclass
class Connection:
    """One websocket; frames go through `queue` so writes stay in order."""

    ws: ServerSocket = field(repr=False)
    transport: asyncio.BaseTransport | None = field(default=None, repr=False)
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue, repr=False)
    sending: bool = False
    writer: asyncio.Task[None] | None = field(default=None, repr=False)
    session: Session | None = field(default=None, repr=False)
    closed: bool = False
    # zlib-stream: one compressor for the whole connection, each frame flushed so it can be read at once.
    compressor: zlib._Compress | None = field(default=None, repr=False)

    @property
    def pending(self) -> int:
        return self.queue.qsize() + (1 if self.sending else 0)

    async def write_loop(self) -> None:
        while True:
            frame = await self.queue.get()
            self.sending = True
            try:
                if self.compressor is None:
                    await self.ws.send_str(frame)
                else:
                    packed = self.compressor.compress(frame.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(packed)
            except Exception as exc:  # connection gone: the replay buffer still has the frame
                log.info("gateway write stopped: %s", type(exc).__name__)
                self.closed = True
                return
            finally:
                self.sending = False


@dataclass
class Session:
    id: str
    intents: int
    seq: int = 0
    buffer: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=REPLAY_LIMIT), repr=False)
    connection: Connection | None = field(default=None, repr=False)
    client_seq: int | None = None  # last sequence the client reported in a heartbeat
    barrier_seq: int | None = None  # sequence at the last op 1 the emulator sent
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count) from IDENTIFY

    def serves(self, guild_id: int | None) -> bool:
        """Does this session receive the events of that guild (None: events without a guild)?"""
        return serves(self.shard, guild_id)
