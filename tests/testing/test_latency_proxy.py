"""The latency proxy delays each direction by the configured time, keeps bytes in order, and carries a real
PostgreSQL session: what the round-trip tests and the latency benchmark rely on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from loyalteez.store import Store
from loyalteez.testing.latency_proxy import LatencyProxy, ProxyThread
from tests.conftest import pg_store_schema


@pytest.fixture
async def echo() -> AsyncIterator[int]:
    """A TCP server that sends back whatever it reads."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


async def test_a_round_trip_takes_at_least_the_configured_delay_both_ways(echo: int) -> None:
    loop = asyncio.get_running_loop()
    async with LatencyProxy("127.0.0.1", echo, one_way=0.05) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        started = loop.time()
        writer.write(b"ping")
        assert await reader.readexactly(4) == b"ping"
        assert loop.time() - started >= 0.1  # 50 ms there, 50 ms back
        writer.close()


async def test_pipelined_chunks_arrive_in_order_and_are_not_serialised(echo: int) -> None:
    """Ten writes sent back to back cost one round trip, not ten, and come back in the order sent."""
    loop = asyncio.get_running_loop()
    async with LatencyProxy("127.0.0.1", echo, one_way=0.05) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        started = loop.time()
        sent = b"".join(f"<{i:04d}>".encode() for i in range(200))
        for i in range(200):
            writer.write(f"<{i:04d}>".encode())
            await asyncio.sleep(0)
        assert await reader.readexactly(len(sent)) == sent
        assert loop.time() - started < 1.0  # far below 200 round trips of 100 ms
        writer.close()


async def test_stopping_the_proxy_cuts_its_connections(echo: int) -> None:
    proxy = await LatencyProxy("127.0.0.1", echo).start()
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.write(b"x")
    assert await reader.readexactly(1) == b"x"
    await proxy.stop()
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()


async def test_the_store_works_through_the_proxy_and_pays_the_round_trip() -> None:
    loop = asyncio.get_running_loop()
    async with pg_store_schema() as url, LatencyProxy.in_front_of(url, one_way=0.02) as proxy:
        store = await Store.open(proxy.url(url))
        try:
            started = loop.time()
            assert await store.get_brand("nobody") is None
            assert loop.time() - started >= 0.04
            assert proxy.connections >= 1
        finally:
            await store.close()


async def test_the_proxy_counts_each_exchange_once_however_many_chunks_it_takes(echo: int) -> None:
    async with LatencyProxy("127.0.0.1", echo, one_way=0.02) as proxy:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        for _ in range(3):
            writer.write(b"a")
            await writer.drain()
            writer.write(b"b")  # a request sent in two pieces is still one round trip
            assert await reader.readexactly(2) == b"ab"
        writer.close()
    assert proxy.round_trips == 3


async def test_a_proxy_on_its_own_thread_forwards_and_counts(echo: int) -> None:
    proxy = ProxyThread(f"postgresql://127.0.0.1:{echo}/x", one_way=0.01).start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.proxy.port)
        writer.write(b"hi")
        assert await reader.readexactly(2) == b"hi"
        writer.close()
        assert proxy.round_trips == 1
    finally:
        await asyncio.to_thread(proxy.stop)
