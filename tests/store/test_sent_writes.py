"""A write sent ahead (`Database.send`: SQLite starts it on its thread and returns) is part of its transaction:
the next statement sees it, and if it fails the transaction rolls back with its error, nothing half-written."""

from __future__ import annotations

import contextlib
import gc
import logging
from datetime import date

import pytest

from loyalteez.store import Store
from tests.conftest import linked

SEEN = "INSERT INTO loyalteez_seen_events (brand_id, server_id, event_key, seen_on) VALUES (?, ?, ?, ?)"
DAY = date(2026, 3, 2)


async def keys(store: Store) -> list[str]:
    rows = await store.db.fetch_all("SELECT event_key FROM loyalteez_seen_events ORDER BY event_key")
    return [r["event_key"] for r in rows]


async def test_a_sent_write_is_seen_by_the_next_statement_and_commits_with_the_transaction(store: Store) -> None:
    await linked(store, "brand_a", "1001")
    async with store.transaction():
        await store.db.send(SEEN, ["brand_a", "1001", "m:1", DAY])
        await store.db.send(SEEN, ["brand_a", "1001", "m:2", DAY])
        assert await store.db.fetch_value("SELECT COUNT(*) FROM loyalteez_seen_events") == 2
    await store.db.send(SEEN, ["brand_a", "1001", "m:3", DAY])  # outside a transaction: written at once
    assert await keys(store) == ["m:1", "m:2", "m:3"]


async def test_a_failed_sent_write_rolls_its_transaction_back(store: Store) -> None:
    await linked(store, "brand_a", "1001")
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        async with store.transaction():
            await store.db.send(SEEN, ["brand_a", "1001", "m:1", DAY])
            await store.db.send(SEEN, ["brand_a", "no-such-server", "m:2", DAY])
            await store.db.send(SEEN, ["brand_a", "1001", "m:3", DAY])
    assert await keys(store) == []
    async with store.transaction():  # the connection is usable again
        await store.db.send(SEEN, ["brand_a", "1001", "m:4", DAY])
    assert await keys(store) == ["m:4"]


async def test_a_caught_sent_write_error_still_rolls_the_transaction_back(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """The error comes out of the statement after it; a caller that swallows it must not commit without the
    failed write (and a second failed write is not left for asyncio to complain about)."""
    await linked(store, "brand_a", "1001")
    failed: list[BaseException] = []
    with caplog.at_level(logging.ERROR):
        try:
            async with store.transaction():
                await store.db.send(SEEN, ["brand_a", "1001", "m:1", DAY])
                await store.db.send(SEEN, ["brand_a", "no-such-server", "m:2", DAY])
                await store.db.send(SEEN, ["brand_a", "no-such-server", "m:3", DAY])
                with contextlib.suppress(Exception):  # what a careless caller would do
                    await store.db.execute(SEEN, ["brand_a", "1001", "m:4", DAY])
        except Exception as exc:  # SQLite says so at the COMMIT; PostgreSQL's COMMIT of a failed one rolls back
            failed.append(exc)
    assert store.db.dialect != "sqlite" or "FOREIGN KEY" in str(failed[0]).upper()
    gc.collect()
    assert await keys(store) == []
    assert "never retrieved" not in caplog.text


async def test_the_next_statement_reports_a_failed_sent_write(store: Store) -> None:
    await linked(store, "brand_a", "1001")
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        async with store.transaction():
            await store.db.send(SEEN, ["brand_a", "no-such-server", "m:1", DAY])
            await store.db.fetch_all("SELECT event_key FROM loyalteez_seen_events")
            raise AssertionError("the read after a failed sent write went through")
    assert await keys(store) == []


async def test_an_error_in_the_transaction_is_not_replaced_by_a_sent_writes(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """The caller's own error is what comes out; the sent write's is dropped quietly with the rollback."""
    await linked(store, "brand_a", "1001")
    with caplog.at_level(logging.ERROR), pytest.raises(ValueError, match="the caller's"):
        async with store.transaction():
            await store.db.send(SEEN, ["brand_a", "no-such-server", "m:1", DAY])
            raise ValueError("the caller's own error")
    gc.collect()
    assert await keys(store) == []
    assert "never retrieved" not in caplog.text
