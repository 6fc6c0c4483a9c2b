"""SQLite's reader connection: a lone SELECT does not wait for an open write transaction and sees the last
commit, never the transaction's uncommitted rows (a WITH query too); writes that return rows still go through
the writer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from loyalteez.store.sqlite_db import SqliteDatabase


async def test_a_lone_select_reads_the_last_commit_while_a_transaction_is_open(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "reader.db")
    try:
        await db.execute("CREATE TABLE points (member TEXT PRIMARY KEY, amount INTEGER)")
        await db.execute("INSERT INTO points VALUES ('alice', 5)")
        holding, release = asyncio.Event(), asyncio.Event()

        async def long_write() -> None:
            async with db.transaction():
                await db.execute("UPDATE points SET amount = 50 WHERE member = 'alice'")
                holding.set()
                await release.wait()

        writer = asyncio.create_task(long_write())
        await holding.wait()
        seen = await asyncio.wait_for(db.fetch_value("SELECT amount FROM points WHERE member = 'alice'"), 2)
        assert seen == 5, "the reader sees the last commit, not the open transaction's change"
        ranked = "WITH page AS (SELECT member, amount FROM points) SELECT amount FROM page WHERE member = 'alice'"
        assert await asyncio.wait_for(db.fetch_value(ranked), 2) == 5, "a WITH query that only reads: the reader"
        release.set()
        await writer
        assert await db.fetch_value("SELECT amount FROM points WHERE member = 'alice'") == 50
        changed = await db.fetch_all("UPDATE points SET amount = amount + 1 RETURNING amount")
        assert changed == [{"amount": 51}], "an UPDATE … RETURNING is a write: it goes through the writer"
        bumped = await db.fetch_all(
            "WITH top AS (SELECT member FROM points) UPDATE points SET amount = amount + 1 "
            "WHERE member IN (SELECT member FROM top) RETURNING amount"
        )
        assert bumped == [{"amount": 52}], "a WITH … UPDATE is a write: the writer"
    finally:
        await db.close()


async def test_a_database_in_memory_reads_through_its_only_connection() -> None:
    db = await SqliteDatabase.open(":memory:")
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        await db.execute("INSERT INTO t VALUES (1)")
        assert await db.fetch_value("SELECT x FROM t") == 1
    finally:
        await db.close()
