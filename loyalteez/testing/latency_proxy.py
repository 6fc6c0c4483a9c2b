"""A TCP forwarder that delays every byte by a fixed time each way: a remote database on the loopback.

A Supabase project is tens of milliseconds away; the local PostgreSQL answers in microseconds, so a store that
talks to the database twenty times per command looks fast in tests and is slow in production. Putting this
proxy between the bot and PostgreSQL makes every round trip cost `2 * one_way` seconds, so tests and
benchmarks see what a chatty code path costs.

Each chunk read from one side is written to the other exactly `one_way` seconds later, in order, without
waiting for earlier chunks to be answered: pipelined requests stay pipelined, as on a real long link.

Run on its own: `python -m loyalteez.testing.latency_proxy --target 127.0.0.1:5432 --round-trip-ms 20`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import threading
from collections import deque
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

CHUNK = 65536


class LatencyProxy:
    """Listens on 127.0.0.1 (a free port by default) and forwards to `target_host:target_port`."""

    def __init__(self, target_host: str, target_port: int, *, one_way: float = 0.0, port: int = 0) -> None:
        if one_way < 0:
            raise ValueError("the delay cannot be negative")
        self.target_host, self.target_port = target_host, target_port
        self.one_way = one_way  # seconds; may be changed while running (applies to bytes read afterwards)
        self.port = port
        self.connections = 0  # accepted so far, for tests that check pooling
        # Times a client spoke again after the server had answered it, over all connections: the round
        # trips the link really carried (prepares and pipelined requests included), for benchmarks.
        self.round_trips = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def in_front_of(cls, database_url: str, *, one_way: float = 0.0) -> LatencyProxy:
        """A proxy forwarding to the host and port of a `postgresql://` URL (not started yet)."""
        parts = urlsplit(database_url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5432, one_way=one_way)

    @property
    def round_trip(self) -> float:
        return 2 * self.one_way

    @round_trip.setter
    def round_trip(self, seconds: float) -> None:
        self.one_way = seconds / 2

    async def start(self) -> LatencyProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening and cut every open connection (clients see the server go away)."""
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._tasks:  # closed sockets end the pumps; cancel only what is still stuck
            _, stuck = await asyncio.wait(list(self._tasks), timeout=2)
            for task in stuck:
                task.cancel()
            if stuck:
                await asyncio.gather(*stuck, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> LatencyProxy:
        return await self.start()

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def url(self, database_url: str) -> str:
        """`database_url` with its host and port replaced by this proxy's (user, database and query kept)."""
        parts = urlsplit(database_url)
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@127.0.0.1:{self.port}" if userinfo else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(client_writer)
        server_writer: asyncio.StreamWriter | None = None
        try:
            server_reader, server_writer = await asyncio.open_connection(self.target_host, self.target_port)
            self._writers.add(server_writer)
            turn = ["server"]  # who spoke last on this connection
            await asyncio.gather(
                self._pump(client_reader, server_writer, turn, "client"),
                self._pump(server_reader, client_writer, turn, "server"),
            )
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for writer in (client_writer, server_writer):
                if writer is not None:
                    self._writers.discard(writer)
                    writer.close()
            self._tasks.discard(task)

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, turn: list[str], side: str
    ) -> None:
        """Copy one direction; each chunk (and the end of the stream) is delivered `one_way` after it arrived.

        Every chunk schedules one delivery that takes the oldest waiting chunk, so the order is kept even
        when two timers fall due at the same instant; the end of the stream closes the other side last.
        """
        loop = asyncio.get_running_loop()
        waiting: deque[bytes] = deque()
        closed = asyncio.Event()

        def deliver() -> None:
            chunk = waiting.popleft()
            if writer.is_closing():
                closed.set()
            elif chunk:
                writer.write(chunk)
            else:
                writer.close()
                closed.set()

        while True:
            try:
                chunk = await reader.read(CHUNK)
            except OSError:
                chunk = b""
            if chunk and turn[0] != side:
                turn[0] = side
                self.round_trips += side == "client"
            waiting.append(chunk)
            if self.one_way > 0:
                loop.call_later(self.one_way, deliver)
            else:
                deliver()
            if not chunk:
                await closed.wait()
                return
            if writer.is_closing():
                return
            # Let a slow receiver push back: wait until the transport's buffer drains below its high mark.
            with contextlib.suppress(OSError):
                await writer.drain()


class ProxyThread:
    """A LatencyProxy on an event loop of its own thread, so a busy test or benchmark loop cannot delay
    the bytes more than asked (the benchmark's loop also plays the Discord emulator and 500 members)."""

    def __init__(self, database_url: str, *, one_way: float = 0.0) -> None:
        self.proxy = LatencyProxy.in_front_of(database_url, one_way=one_way)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="latency-proxy", daemon=True)

    def start(self) -> ProxyThread:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.proxy.start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.proxy.stop(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def url(self, database_url: str) -> str:
        return self.proxy.url(database_url)

    @property
    def round_trips(self) -> int:
        return self.proxy.round_trips


async def _serve(target: str, port: int, round_trip_ms: float) -> None:
    host, _, target_port = target.rpartition(":")
    proxy = await LatencyProxy(host or "127.0.0.1", int(target_port), one_way=round_trip_ms / 2000, port=port).start()
    print(f"forwarding 127.0.0.1:{proxy.port} -> {target} with a {round_trip_ms:g} ms round trip", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await proxy.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Forward TCP with a fixed delay each way.")
    parser.add_argument("--target", default="127.0.0.1:5432", help="host:port to forward to")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--round-trip-ms", type=float, default=20.0, help="added round trip (half each way)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.target, args.port, args.round_trip_ms))


if __name__ == "__main__":
    main()
