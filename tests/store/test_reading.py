"""`store.reading(scope)`: big read-only views (leaderboards, the JSON API) never wait for the rewards writer."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import DatabaseError, Store
from tests.conftest import linked
from tests.store.raw import tables


async def test_a_read_goes_ahead_while_the_writer_holds_a_transaction_and_sees_the_last_commit(store) -> None:
    scope = await linked(store, "brand_a", "101")
    data = store.scoped(scope)
    await tables(data).insert("discord_user_stats", {"discord_user_id": "7", "messages_count": 1})
    async with data.transaction():  # the writer is in the middle of a batch
        await tables(data).insert("discord_user_stats", {"discord_user_id": "8", "messages_count": 1})
        reader = await store.reading(scope)
        # Another request's task (a fresh context: it is not inside the writer's transaction).
        elsewhere = asyncio.create_task(reader.standings.members(), context=contextvars.Context())
        counted = await asyncio.wait_for(elsewhere, timeout=5)
        assert counted == 1, "the reader sees the last commit, not the batch being written"
    assert await (await store.reading(scope)).standings.members() == 2
    assert await store.reading(scope) is not data


async def test_the_reading_scope_stays_inside_its_tenant(store) -> None:
    mine, theirs = await linked(store, "brand_a", "101"), await linked(store, "brand_b", "202")
    await tables(store.scoped(theirs)).insert("discord_user_stats", {"discord_user_id": "9", "messages_count": 3})
    assert await (await store.reading(mine)).standings.members() == 0
    assert await (await store.reading(theirs)).standings.members() == 1


async def test_a_read_asked_for_while_the_store_closes_opens_no_connection(tmp_path) -> None:
    """SQLite connections run on non-daemon threads: one opened after the close would keep a stopped bot alive."""
    opened = await Store.open(str(tmp_path / "closing.db"), ManualClock())
    scope = await linked(opened, "brand_a", "101")
    threads = threading.active_count()
    closing = asyncio.ensure_future(opened.close())
    await asyncio.sleep(0)  # the close has begun
    with pytest.raises(DatabaseError, match="closed"):
        await opened.reading(scope)
    await closing
    assert threading.active_count() < threads, "the store's connection threads ended"
