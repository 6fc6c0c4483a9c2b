"""A COMMIT that fails gives the writer back: the next write starts its own transaction and lands."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import pytest

from loyalteez.store import Store, sqlite_db
from tests.conftest import linked


async def test_a_failed_commit_does_not_leave_the_next_transactions_failing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.db.dialect != "sqlite":
        pytest.skip("PostgreSQL's driver ends a failed transaction itself")
    scope = await linked(store, "brand_a", "101")
    data = store.scoped(scope)
    real = sqlite_db._execute
    failures = ["COMMIT"]

    def commit_fails_once(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
        if failures and sql == failures[0]:
            failures.pop()
            raise sqlite3.OperationalError("disk I/O error")
        return real(conn, sql, params)

    monkeypatch.setattr(sqlite_db, "_execute", commit_fails_once)
    with pytest.raises(sqlite3.OperationalError):
        async with store.transaction():
            await data.rewards.set_metadata({"lost": True})
    async with store.transaction():
        await data.rewards.set_metadata({"kept": True})
    metadata = await data.rewards.metadata()
    assert metadata.get("kept") is True and "lost" not in metadata
