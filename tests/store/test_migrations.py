"""Opening an older database upgrades it in place; a newer one is refused; migrations equal schema.sql."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import SchemaVersionError, Store
from loyalteez.store.schema import SCHEMA_FILE, latest_version, migrations


def structure(path: Path) -> dict[str, object]:
    """Tables with their columns (name, type, not-null, default, pk) and indexes with their columns."""
    conn = sqlite3.connect(path)
    shape: dict[str, object] = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        shape[f"table {table}"] = [row[1:] for row in conn.execute(f"PRAGMA table_info({table})")]
        shape[f"fks {table}"] = sorted(row[2:5] for row in conn.execute(f"PRAGMA foreign_key_list({table})"))
    for name, table, sql in conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type='index'"):
        shape[f"index {name}"] = (table, [r[2] for r in conn.execute(f"PRAGMA index_info({name})")], bool(sql))
    conn.close()
    return shape


def build_with_migrations(path: Path, upto: int) -> None:
    conn = sqlite3.connect(path)
    for migration in migrations()[:upto]:
        conn.executescript(migration.sql())
    conn.close()


def test_baseline_plus_every_migration_is_exactly_schema_sql(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    build_with_migrations(migrated, latest_version())
    conn = sqlite3.connect(fresh)
    conn.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
    conn.close()
    assert structure(migrated) == structure(fresh)


async def test_database_made_by_the_first_version_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    build_with_migrations(path, 1)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO discord_server_configs (server_id, brand_id, server_name) VALUES ('42', 'b1', 'Old')")
    conn.execute(
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, ltz_earned) "
        "VALUES ('b1', '42', '7', 120)"
    )
    conn.commit()
    conn.close()

    store = await Store.open(str(path), ManualClock())
    try:
        assert store.schema_found == 1
        assert await store.db.fetch_value("SELECT MAX(version) FROM loyalteez_schema_version") == latest_version()
        assert "loyalteez_reward_ledger" in await store.db.table_names()
        row = await store.db.fetch_one("SELECT ltz_earned FROM discord_user_stats WHERE discord_user_id = '7'")
        assert row == {"ltz_earned": 120}, "data written by version 1 survives the upgrade"
    finally:
        await store.close()
    assert structure(path) == structure(_fresh(tmp_path))


def _fresh(tmp_path: Path) -> Path:
    fresh = tmp_path / "fresh.db"
    conn = sqlite3.connect(fresh)
    conn.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
    conn.close()
    return fresh


async def test_database_from_a_newer_bot_is_refused_untouched(tmp_path: Path) -> None:
    path = _fresh(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO loyalteez_schema_version (version) VALUES (?)", (latest_version() + 5,))
    conn.commit()
    conn.close()
    before = structure(path)
    with pytest.raises(SchemaVersionError, match="newer release"):
        await Store.open(str(path), ManualClock())
    assert structure(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM loyalteez_schema_version").fetchone() == (latest_version() + 5,)
    conn.close()


async def test_opening_twice_keeps_one_version_row(tmp_path: Path) -> None:
    for _ in range(2):
        store = await Store.open(str(tmp_path / "x.db"), ManualClock())
        await store.close()
    conn = sqlite3.connect(tmp_path / "x.db")
    assert conn.execute("SELECT version FROM loyalteez_schema_version").fetchall() == [(latest_version(),)]
