"""`bot.py migrate`: SQLite -> PostgreSQL -> SQLite keeps every row; interrupted copies resume; targets are safe."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.services.maintenance.migrate import migrate
from loyalteez.store import DatabaseError, Scope, Store
from loyalteez.store.copy import PROGRESS_TABLE, copy_order, primary_key, table_checksum
from loyalteez.store.schema import latest_version
from tests.conftest import PROJECT_ROOT, linked, pg_schema
from tests.store.raw import tables
from tests.store.sample_rows import uid
from tests.store.test_isolation import filled

STATS_ROWS = 250


async def fill(path: Path) -> None:
    """Four scopes with a row in every sampled table, plus enough stats and odd values to need many batches."""
    store = await Store.open(str(path), ManualClock())
    try:
        await filled(store)
        data = store.scoped(Scope("brand_a", "101"))
        start = datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC)
        await store.db.executemany(
            "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, ltz_earned, created_at, "
            "updated_at) VALUES ('brand_a', '102', ?, ?, ?, ?)",
            [(str(10**17 + n), n * 7, start + timedelta(minutes=n), start) for n in range(STATS_ROWS)],
        )
        await tables(data).insert(
            "discord_audit_log",
            {
                "id": uid("odd"),
                "actor_type": "bot",
                "action": "odd values",
                "target_user_id": None,
                "details": {"ünïcode": "🎉", "float": 0.1, "big": 10**15, "list": [True, None, 1.5], "z": {"a": 1}},
                "before_state": None,
                "after_state": {},
                "is_test": True,
            },
        )
        await tables(data).insert(
            "discord_role_configs",
            {"id": uid("frac"), "discord_role_id": "77", "effect_type": "cooldown_reduction", "effect_value": 0.125},
        )
        await store.db.execute("UPDATE loyalteez_brands SET ltz_budget = ? WHERE brand_id = 'brand_b'", [2**40])
        await store.save_connect_attempt("member", "42", 3, start, start + timedelta(seconds=30))  # a lockout moves too
        await store.api_tokens.add("0123456789ab", "brand_a", "giveaway bot", "00", "token-hash")  # API tokens too
    finally:
        await store.close()


@pytest.fixture
async def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.db"
    await fill(path)
    return path


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    async with pg_schema() as url:
        yield url


async def dump(target: str) -> dict[str, list[dict]]:
    """Every row of every table in key order, as the store returns them."""
    store = await Store.open(target, ManualClock())
    try:
        tables = await copy_order(store.db)
        return {
            t: await store.db.fetch_all(f"SELECT * FROM {t} ORDER BY {', '.join(await primary_key(store.db, t))}")
            for t in tables
        }
    finally:
        await store.close()


async def test_round_trip_sqlite_postgres_sqlite_keeps_every_row(source: Path, pg_url: str, tmp_path: Path) -> None:
    back = tmp_path / "back.db"
    there = await migrate(f"sqlite:///{source}", pg_url, say=lambda _: None, batch=40)
    home = await migrate(pg_url, f"sqlite:///{back}", say=lambda _: None, batch=40)
    assert there.ok and home.ok
    assert [(t.table, t.source_rows, t.source_sum) for t in there.tables] == [
        (t.table, t.target_rows, t.target_sum) for t in home.tables
    ], "same checksums on all three"
    original, returned = await dump(str(source)), await dump(str(back))
    assert original == returned
    assert sum(map(len, original.values())) > STATS_ROWS + 60
    assert all(rows for t, rows in original.items() if t not in ("loyalteez_seen_events", "loyalteez_disabled_members"))
    store = await Store.open(pg_url, ManualClock())
    try:
        assert PROGRESS_TABLE not in await store.db.table_names(), "no bookkeeping left behind"
        odd = await store.db.fetch_one("SELECT details FROM discord_audit_log WHERE id = ?", [uid("odd")])
        assert odd["details"]["ünïcode"] == "🎉" and odd["details"]["float"] == 0.1
    finally:
        await store.close()


class Interrupted(Exception):
    pass


async def test_an_interrupted_copy_resumes_where_it_stopped(source: Path, pg_url: str) -> None:
    seen: list[tuple[str, int]] = []

    def stop_in_stats(table: str, copied: int, total: int) -> None:
        seen.append((table, copied))
        if table == "discord_user_stats" and copied >= 100:
            raise Interrupted  # like a crash or Ctrl-C between two batches

    src, dst = await Store.open(str(source), ManualClock()), await Store.open(pg_url, ManualClock())
    try:
        from loyalteez.store.copy import copy_database

        with pytest.raises(Interrupted):
            await copy_database(src.db, dst.db, source_label="a", batch=50, on_batch=stop_in_stats)
        partly = await dst.db.fetch_value(
            "SELECT copied FROM loyalteez_migrate_progress WHERE table_name = 'discord_user_stats'"
        )
        assert partly == await dst.db.fetch_value("SELECT COUNT(*) FROM discord_user_stats") == 100
        with pytest.raises(DatabaseError, match="unfinished copy from a"):
            await copy_database(src.db, dst.db, source_label="another source")

        report = await copy_database(src.db, dst.db, source_label="a", batch=50)
        assert report.ok and report.resumed
        stats = next(t for t in report.tables if t.table == "discord_user_stats")
        assert stats.copied_now == stats.source_rows - 100, "the first 100 rows were not copied again"
        done_before = {t for t, _ in seen if t != "discord_user_stats"}
        assert all(t.copied_now == 0 for t in report.tables if t.table in done_before)
        assert PROGRESS_TABLE not in await dst.db.table_names()
    finally:
        await src.close()
        await dst.close()


async def test_a_non_empty_target_is_refused_unless_forced(source: Path, pg_url: str, clock: ManualClock) -> None:
    store = await Store.open(pg_url, clock)
    try:
        await linked(store, "brand_z", "999")
    finally:
        await store.close()
    with pytest.raises(DatabaseError, match=r"already holds data \(2 rows in 2 tables.*--force"):
        await migrate(f"sqlite:///{source}", pg_url, say=lambda _: None)
    assert "brand_z" in {r["brand_id"] for r in (await dump(pg_url))["loyalteez_brands"]}, "untouched"

    report = await migrate(f"sqlite:///{source}", pg_url, force=True, say=lambda _: None)
    assert report.ok
    assert "brand_z" not in {r["brand_id"] for r in (await dump(pg_url))["loyalteez_brands"]}, "replaced"


async def test_checksums_notice_a_single_changed_value(source: Path, pg_url: str) -> None:
    await migrate(f"sqlite:///{source}", pg_url, say=lambda _: None)
    store = await Store.open(pg_url, ManualClock())
    try:
        key = await primary_key(store.db, "discord_kpi_snapshots")
        before = await table_checksum(store.db, "discord_kpi_snapshots", key)
        await store.db.execute(
            "UPDATE discord_kpi_snapshots SET metrics = ? WHERE id = ?",
            [{"daily_active_users": 1.5}, uid("snap-brand_a-101-0")],
        )
        after = await table_checksum(store.db, "discord_kpi_snapshots", key)
        assert before[0] == after[0] and before[1] != after[1]
    finally:
        await store.close()


def bot(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTEEZ_")}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


async def test_the_command_line_copies_and_refuses_in_one_sentence(source: Path, pg_url: str, tmp_path: Path) -> None:
    done = bot("migrate", "--from", f"sqlite:///{source}", "--to", pg_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout.splitlines()[-1]
    newer = tmp_path / "newer.db"
    store = await Store.open(str(newer), ManualClock())
    await store.db.execute("INSERT INTO loyalteez_schema_version (version) VALUES (?)", [latest_version() + 1])
    await store.close()
    for args, says in [
        (("--from", str(newer), "--to", pg_url), "written by a newer release"),
        (("--from", f"sqlite:///{source}", "--to", pg_url), "already holds data"),
        (("--from", f"sqlite:///{source}", "--to", "postgresql://bot:pw@127.0.0.1:1/x"), "connection refused"),
        (("--from", str(tmp_path / "missing.db"), "--to", pg_url), "there is no SQLite database"),
        (("--from", f"sqlite:///{source}", "--to", "mysql://x/y"), "unsupported database URL scheme"),
    ]:
        refused = bot("migrate", *args, cwd=tmp_path)
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], refused.stderr


def test_loyalteez_database_url_selects_postgresql(pg_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTEEZ_")}
    env.update(LOYALTEEZ_DATABASE_URL=pg_url, LOYALTEEZ_DB=str(tmp_path / "unused.db"))
    made = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), "brand", "create", "Acme Coffee"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert not (tmp_path / "unused.db").exists(), "SQLite is not touched when a PostgreSQL URL is set"
    listed = asyncio.run(dump(pg_url))["loyalteez_brands"]
    assert [b["name"] for b in listed] == ["Acme Coffee"]
