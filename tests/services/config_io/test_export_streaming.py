"""A big export is streamed: rows reach the file while later pages are still unread, and the memory it
takes does not grow with the ledger (on both engines)."""

from __future__ import annotations

import tracemalloc
import uuid
from datetime import timedelta

import pytest

from loyalteez.services.config_io import tables
from loyalteez.store import ScopedData, Store
from tests.conftest import linked

PAGE = 200


async def ledger_of(store: Store, server: str, payouts: int) -> ScopedData:
    """A server whose ledger holds `payouts` rows of 40 members."""
    data = store.scoped(await linked(store, "brand_a", server))
    start = store.clock.now() - timedelta(days=30)
    async with store.transaction():
        await store.db.executemany(
            "INSERT INTO loyalteez_reward_ledger (id, brand_id, server_id, discord_user_id, event_type, amount, "
            "idempotency_key, is_test, created_at) VALUES (?, ?, ?, ?, 'message', 5, ?, ?, ?)",
            [
                (str(uuid.uuid4()), "brand_a", server, str(300 + n % 40), f"k{n}", False, start + timedelta(minutes=n))
                for n in range(payouts)
            ],
        )
    return data


class Watched:
    """The export's file: remembers how many pages had been read when each write arrived."""

    def __init__(self, pages: list[int]) -> None:
        self.pages, self.seen_at, self.size = pages, [], 0

    def write(self, data: bytes) -> int:
        self.seen_at.append(self.pages[0])
        self.size += len(data)
        return len(data)


async def test_rows_are_written_before_the_last_page_is_read(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "PAGE", PAGE)
    data = await ledger_of(store, "900000000000000100", 5 * PAGE + 7)
    pages = [0]
    limits = []
    page_snapshot = data.exports.page_snapshot

    async def counted(kind: str, after: object, limit: int) -> list[dict[str, object]]:
        pages[0] += 1
        limits.append(limit)
        return await page_snapshot(kind, after, limit)  # type: ignore[arg-type]

    monkeypatch.setattr(data.exports, "page_snapshot", counted)
    out = Watched(pages)
    assert await tables.write_export(data, "rewards", "csv", store.clock.now(), out) == 5 * PAGE + 7  # type: ignore[arg-type]
    assert pages[0] == 6 and set(limits) == {PAGE}, "read a page at a time"
    rows_after_first_page = [n for n in out.seen_at if n == 1]
    assert len(rows_after_first_page) >= PAGE, "the first page's rows were written before the second was read"


async def test_memory_does_not_grow_with_the_ledger(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "PAGE", PAGE)
    small = await ledger_of(store, "900000000000000100", 2 * PAGE)
    big = await ledger_of(store, "900000000000000101", 12 * PAGE)

    async def peak(data: ScopedData) -> tuple[int, int]:
        out = Watched([0])
        tracemalloc.start()
        try:
            await tables.write_export(data, "rewards", "json", store.clock.now(), out)  # type: ignore[arg-type]
            return tracemalloc.get_traced_memory()[1], out.size
        finally:
            tracemalloc.stop()

    small_peak, small_size = await peak(small)
    big_peak, big_size = await peak(big)
    assert big_size > 5 * small_size
    assert big_peak < 1.5 * small_peak, (
        f"peak {big_peak} B for {big_size} B written vs {small_peak} B for {small_size} B"
    )
