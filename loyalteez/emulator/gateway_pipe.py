"""An in-process gateway connection: the same text frames, handed over without a socket.

A history replay sends hundreds of thousands of events; over loopback TCP each one pays for websocket
framing on both ends, system calls and a timer per read in aiohttp. Through this pipe the emulator's
gateway (`Gateway.serve`) and py-cord's own `DiscordWebSocket` exchange the very frames they would send
over the network, so py-cord still decodes each one, tracks its sequence and runs its real parsers; only
the transport is gone. Closing works as on a websocket: a close code reaches the other end, and `abort`
is a lost connection (1006), after which py-cord reconnects or resumes through `ws_connect` again.
"""

from __future__ import annotations

import asyncio
from collections import deque

from aiohttp import WSMessage, WSMsgType

ABNORMAL_CLOSURE = 1006  # what a websocket reports when the connection dropped without a close frame
_CLOSED = WSMessage(WSMsgType.CLOSED, None, None)


class _Inbox:
    """Frames for one end, in order; reading waits only when there are none."""

    def __init__(self) -> None:
        self._frames: deque[WSMessage] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.ended = False

    def put(self, message: WSMessage) -> None:
        if self.ended:
            return
        self._frames.append(message)
        self._wake()

    def end(self) -> None:
        self.ended = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self, timeout: float | None = None) -> WSMessage:
        while not self._frames:
            if self.ended:
                return _CLOSED
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(self._waiter, timeout)
            finally:
                self._waiter = None
        return self._frames.popleft()


class PipeEnd:
    """One end of the pipe, shaped like aiohttp's websocket on that side (what py-cord and the gateway use)."""

    def __init__(self) -> None:
        self._inbox = _Inbox()
        self.peer: PipeEnd | None = None
        self.close_code: int | None = None
        self.closed = False

    async def send_str(self, data: str, compress: int | None = None) -> None:
        self._deliver(WSMessage(WSMsgType.TEXT, data, None))

    async def send_bytes(self, data: bytes, compress: int | None = None) -> None:
        self._deliver(WSMessage(WSMsgType.BINARY, data, None))

    def _deliver(self, message: WSMessage) -> None:
        if self.closed or self.peer is None:
            raise ConnectionResetError("the gateway pipe is closed")
        self.peer._inbox.put(message)

    async def receive(self, timeout: float | None = None) -> WSMessage:
        return await self._inbox.get(timeout)

    async def close(self, *, code: int = 1000, message: bytes = b"", drain: bool = True) -> bool:
        """Close both ends; the other end reads a CLOSE frame with `code`, then nothing more."""
        if self.closed:
            return False
        self._shut(code)
        peer = self.peer
        if peer is not None and not peer.closed:
            peer._inbox.put(WSMessage(WSMsgType.CLOSE, code, message.decode() if message else None))
            peer._shut(code)
        return True

    def abort(self) -> None:
        """The connection is lost: both ends see an abnormal closure, without a close frame."""
        for end in (self, self.peer):
            if end is not None and not end.closed:
                end._shut(ABNORMAL_CLOSURE)

    def exception(self) -> BaseException | None:
        return None

    def _shut(self, code: int) -> None:
        self.closed = True
        self.close_code = code
        self._inbox.end()

    def __aiter__(self) -> PipeEnd:
        return self

    async def __anext__(self) -> WSMessage:
        message = await self.receive()
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            raise StopAsyncIteration
        return message


def pipe() -> tuple[PipeEnd, PipeEnd]:
    """A connected (client end, server end) pair."""
    client, server = PipeEnd(), PipeEnd()
    client.peer, server.peer = server, client
    return client, server
