"""backup, restore and doctor, as a self-hoster runs them."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import DatabaseError, Store
from loyalteez.store.backup import backup_sqlite, prune_backups, restore_sqlite
from loyalteez.store.schema import latest_version
from tests.conftest import linked
from tests.store.raw import tables
from tests.test_cli import run

GOOD_TOKEN = "MTE5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.abcdefghijklmnopqrstuvwxyz012345"


async def members_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM discord_user_stats").fetchone()[0]
    finally:
        conn.close()


async def test_backup_while_the_bot_writes_is_consistent(tmp_path: Path) -> None:
    store = await Store.open(str(tmp_path / "live.db"), ManualClock())
    data = store.scoped(await linked(store, "brand_a", "101"))
    stop = asyncio.Event()

    async def writer() -> None:
        n = 0
        while not stop.is_set():
            async with store.transaction():
                await tables(data).insert("discord_user_stats", {"discord_user_id": str(1000 + n)})
            n += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    size = await asyncio.to_thread(backup_sqlite, tmp_path / "live.db", tmp_path / "copy.db")
    stop.set()
    await task
    await store.close()
    assert size > 0
    conn = sqlite3.connect(tmp_path / "copy.db")
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert 0 < await members_in(tmp_path / "copy.db") <= await members_in(tmp_path / "live.db")


async def test_restore_refuses_bad_backups_and_keeps_the_database(tmp_path: Path) -> None:
    store = await Store.open(str(tmp_path / "live.db"), ManualClock())
    data = store.scoped(await linked(store, "brand_a", "101"))
    await tables(data).insert("discord_user_stats", {"discord_user_id": "7"})
    await store.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="not a readable SQLite database"):
        restore_sqlite(garbage, tmp_path / "live.db", tmp_path / "kept.db")
    newer = tmp_path / "newer.db"
    backup_sqlite(tmp_path / "live.db", newer)
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO loyalteez_schema_version (version) VALUES (?)", [latest_version() + 1])
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer release"):
        restore_sqlite(newer, tmp_path / "live.db", tmp_path / "kept.db")
    assert await members_in(tmp_path / "live.db") == 1


async def test_restore_brings_back_the_backup(tmp_path: Path) -> None:
    store = await Store.open(str(tmp_path / "live.db"), ManualClock())
    data = store.scoped(await linked(store, "brand_a", "101"))
    await tables(data).insert("discord_user_stats", {"discord_user_id": "7"})
    await store.close()
    backup_sqlite(tmp_path / "live.db", tmp_path / "b.db")
    conn = sqlite3.connect(tmp_path / "live.db")
    conn.execute("DELETE FROM discord_user_stats")
    conn.commit()
    conn.close()
    kept = tmp_path / "kept.db"
    assert restore_sqlite(tmp_path / "b.db", tmp_path / "live.db", kept) == (latest_version(), kept)
    assert await members_in(tmp_path / "live.db") == 1
    assert await members_in(kept) == 0, "the replaced database is kept as it was"


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    for stamp in ("20260101", "20260102", "20260103"):
        (tmp_path / f"loyalteez-{stamp}.db").write_text("x")
    removed = prune_backups(tmp_path, keep=2)
    assert [p.name for p in removed] == ["loyalteez-20260101.db"]


def test_cli_backup_and_doctor(tmp_path: Path) -> None:
    env = {"LOYALTEEZ_DB": str(tmp_path / "bot.db")}
    assert run("brand", "create", "Acme", env=env).returncode == 0
    made = run("backup", str(tmp_path / "b1.db"), env=env)
    assert made.returncode == 0 and "Backed up" in made.stdout
    again = run("backup", str(tmp_path / "b1.db"), env=env)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr

    healthy = run("doctor", env={**env, "DISCORD_TOKEN": GOOD_TOKEN})
    assert healthy.returncode == 0, healthy.stdout
    assert "integrity ok" in healthy.stdout and GOOD_TOKEN not in healthy.stdout
    bad = run("doctor", env={**env, "DISCORD_TOKEN": "Bot abc"})
    assert bad.returncode == 1 and "BAD token" in bad.stdout
    missing = run("doctor", env=env)
    assert missing.returncode == 1 and "not set" in missing.stdout


async def test_check_reports_drift_between_stats_and_ledger(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = await Store.open(str(path), ManualClock())
    scope = await linked(store, "brand_a", "101")
    data = store.scoped(scope)
    await tables(data).insert("discord_user_stats", {"discord_user_id": "7", "ltz_earned": 25})
    await tables(data).insert(
        "loyalteez_reward_ledger",
        {
            "id": "00000000-0000-4000-8000-000000000001",
            "discord_user_id": "7",
            "event_type": "gm_checkin",
            "amount": 25,
            "idempotency_key": "m1:gm_checkin",
        },
    )
    await store.close()
    assert run("--db", str(path), "check").returncode == 0
    conn = sqlite3.connect(path)
    conn.execute("UPDATE discord_user_stats SET ltz_earned = 40")
    conn.commit()
    conn.close()
    drifted = run("--db", str(path), "check")
    assert drifted.returncode == 1 and "7" in drifted.stdout
