"""schema.sql is the seed's data model, loads unchanged on SQLite and PostgreSQL, and enforces its rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from loyalteez.store.schema import SCHEMA_FILE
from loyalteez.store.sqlite_db import split_sql
from tests.conftest import REPORT
from tests.store.seed import KPI_METRICS, SEED_COPY, SEED_SHARED, seed_tables

SEED = seed_tables()


def fresh_sqlite(tmp_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "schema.db")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
    return conn


def test_seed_copy_matches_shared_contract() -> None:
    if not SEED_SHARED.exists():
        pytest.skip(f"no shared seed at {SEED_SHARED} to compare the repo copy with")
    assert SEED_COPY.read_text() == SEED_SHARED.read_text(), "docs/seed-database-schema.txt is out of date"


def test_seed_document_has_fourteen_tables() -> None:
    assert len(SEED) == 14


def test_every_seed_column_exists_on_sqlite(tmp_path: Path) -> None:
    conn = fresh_sqlite(tmp_path)
    for table, columns in SEED.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        assert have, f"{table} is missing"
        assert set(columns) <= have, f"{table} lacks {set(columns) - have}"
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    indexes = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL")]
    REPORT["schema on SQLite " + sqlite3.sqlite_version] = (
        f"{len(tables)} tables ({len(SEED)} seed), {len(indexes)} explicit indexes, "
        f"{sum(len(c) for c in SEED.values())} seed columns present"
    )


async def test_schema_loads_unchanged_on_postgres(pg_database: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg_database)
    try:
        await conn.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
        for table, columns in SEED.items():
            rows = await conn.fetch("SELECT column_name FROM information_schema.columns WHERE table_name = $1", table)
            assert set(columns) <= {r["column_name"] for r in rows}, f"{table} on PostgreSQL"
        types = {
            (r["table_name"], r["column_name"]): r["data_type"]
            for r in await conn.fetch("SELECT table_name, column_name, data_type FROM information_schema.columns")
        }
        # Native types on PostgreSQL, as the seed names them.
        assert types[("discord_server_configs", "config_metadata")] == "jsonb"
        assert types[("discord_drops", "drop_id")] == "uuid"
        assert types[("discord_audit_log", "created_at")] == "timestamp with time zone"
        assert types[("discord_kpi_snapshots", "snapshot_date")] == "date"
        tables = await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        indexes = await conn.fetchval("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")
        REPORT["schema on PostgreSQL"] = f"{tables} tables, {indexes} indexes (incl. keys)"
    finally:
        await conn.close()


def test_file_splits_into_portable_statements() -> None:
    statements = split_sql(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert statements and all("NOW()" not in s.upper() and "gen_random_uuid" not in s for s in statements)


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        (
            "INSERT INTO discord_role_configs (id, brand_id, server_id, discord_role_id, effect_type, effect_value)"
            " VALUES ('r1', 'b', 's1', '9', 'teleport', 1)",
            (),
        ),
        ("INSERT INTO discord_audit_log (id, server_id, actor_type, action) VALUES ('a1', 's1', 'robot', 'x')", ()),
        (
            "INSERT INTO discord_drops (drop_id, brand_id, server_id, event_id, drop_type) "
            "VALUES ('d1', 'b', 's1', 'e', 'coupon')",
            (),
        ),
        (
            "INSERT INTO discord_community_goals (goal_id, brand_id, server_id, name, goal_type, target_value) "
            "VALUES ('g1', 'b', 's1', 'n', 'vibes', 1)",
            (),
        ),
        (
            "INSERT INTO discord_report_schedules (server_id, brand_id, frequency, channel_id) "
            "VALUES ('s1', 'b', 'hourly', 'c')",
            (),
        ),
        (
            "INSERT INTO discord_report_schedules (server_id, brand_id, frequency, channel_id, day_of_week) "
            "VALUES ('s1', 'b', 'weekly', 'c', 7)",
            (),
        ),
        (
            "INSERT INTO discord_kpi_configs (id, brand_id, server_id, metric, target_value) "
            "VALUES ('k1', 'b', 's1', 'vibes_per_day', 1)",
            (),
        ),
        (
            "INSERT INTO discord_kpi_configs (id, brand_id, server_id, metric, target_value, period) "
            "VALUES ('k1', 'b', 's1', 'churn_rate', 1, 'decade')",
            (),
        ),
        (
            "INSERT INTO discord_kpi_snapshots (id, brand_id, server_id, snapshot_date, snapshot_type, metrics) "
            "VALUES ('k1', 'b', 's1', '2026-01-01', 'hourly', '{}')",
            (),
        ),
    ],
    ids=[
        "effect_type",
        "actor_type",
        "drop_type",
        "goal_type",
        "frequency",
        "day_of_week",
        "metric",
        "period",
        "snapshot_type",
    ],
)
def test_enumerations_are_checked(tmp_path: Path, sql: str, params: tuple) -> None:
    conn = fresh_sqlite(tmp_path)
    conn.execute("INSERT INTO discord_server_configs (server_id, brand_id) VALUES ('s1', 'b')")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute(sql, params)


def test_all_eight_kpi_metrics_are_accepted(tmp_path: Path) -> None:
    conn = fresh_sqlite(tmp_path)
    conn.execute("INSERT INTO discord_server_configs (server_id, brand_id) VALUES ('s1', 'b')")
    for n, metric in enumerate(KPI_METRICS):
        conn.execute(
            "INSERT INTO discord_kpi_configs (id, brand_id, server_id, metric, target_value) "
            "VALUES (?, 'b', 's1', ?, 1)",
            (f"k{n}", metric),
        )
    assert conn.execute("SELECT count(*) FROM discord_kpi_configs").fetchone()[0] == 8


def test_seed_defaults(tmp_path: Path) -> None:
    conn = fresh_sqlite(tmp_path)
    conn.execute("INSERT INTO discord_server_configs (server_id, brand_id) VALUES ('s1', 'b')")
    conn.execute("INSERT INTO discord_drops (drop_id, brand_id, server_id, event_id) VALUES ('d1', 'b', 's1', 'e')")
    conn.execute(
        "INSERT INTO discord_kpi_configs (id, brand_id, server_id, metric, target_value) "
        "VALUES ('k', 'b', 's1', 'churn_rate', 0.1)"
    )
    conn.execute(
        "INSERT INTO discord_kpi_snapshots (id, brand_id, server_id, snapshot_date, metrics) "
        "VALUES ('n', 'b', 's1', '2026-01-01', '{}')"
    )
    assert conn.execute("SELECT is_active FROM discord_server_configs").fetchone() == (1,)
    assert conn.execute("SELECT claims_count FROM discord_drops").fetchone() == (0,)
    assert conn.execute("SELECT period, is_active FROM discord_kpi_configs").fetchone() == ("week", 1)
    snapshot_type, created = conn.execute("SELECT snapshot_type, created_at FROM discord_kpi_snapshots").fetchone()
    assert snapshot_type == "daily" and created


@pytest.mark.parametrize(
    "duplicate",
    [
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id) VALUES ('b', 's1', 'u')",
        "INSERT INTO discord_user_streaks (brand_id, server_id, discord_user_id) VALUES ('b', 's1', 'u')",
        "INSERT INTO discord_role_configs (id, brand_id, server_id, discord_role_id, effect_type, effect_value) "
        "VALUES (lower(hex(randomblob(8))), 'b', 's1', 'r', 'multiplier', 2)",
        "INSERT INTO discord_drop_claims (claim_id, drop_id, brand_id, server_id, discord_user_id) "
        "VALUES (lower(hex(randomblob(8))), 'd1', 'b', 's1', 'u')",
        "INSERT INTO discord_user_achievements (brand_id, server_id, discord_user_id, achievement_id) "
        "VALUES ('b', 's1', 'u', 'a1')",
        "INSERT INTO discord_kpi_snapshots (id, brand_id, server_id, snapshot_date, snapshot_type, metrics) "
        "VALUES (lower(hex(randomblob(8))), 'b', 's1', '2026-01-01', 'daily', '{}')",
    ],
    ids=["stats", "streaks", "role_config", "drop_claim", "user_achievement", "snapshot"],
)
def test_one_row_per_natural_key(tmp_path: Path, duplicate: str) -> None:
    conn = fresh_sqlite(tmp_path)
    conn.execute("INSERT INTO discord_server_configs (server_id, brand_id) VALUES ('s1', 'b')")
    conn.execute("INSERT INTO discord_drops (drop_id, brand_id, server_id, event_id) VALUES ('d1', 'b', 's1', 'e')")
    conn.execute(
        "INSERT INTO discord_achievements (achievement_id, brand_id, server_id, name, threshold) "
        "VALUES ('a1', 'b', 's1', 'First', 1)"
    )
    conn.execute(duplicate)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(duplicate)


@pytest.mark.parametrize(
    "orphan",
    [
        "INSERT INTO discord_drop_claims (claim_id, drop_id, brand_id, server_id, discord_user_id) "
        "VALUES ('c1', 'no-such-drop', 'b', 's1', 'u')",
        "INSERT INTO discord_user_achievements (brand_id, server_id, discord_user_id, achievement_id) "
        "VALUES ('b', 's1', 'u', 'no-such-achievement')",
        "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id) VALUES ('b', 'no-such-server', 'u')",
    ],
    ids=["claim->drop", "user_achievement->achievement", "stats->server"],
)
def test_rows_cannot_exist_without_their_parent(tmp_path: Path, orphan: str) -> None:
    conn = fresh_sqlite(tmp_path)
    conn.execute("INSERT INTO discord_server_configs (server_id, brand_id) VALUES ('s1', 'b')")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute(orphan)


def test_claims_never_exceed_max_claims(tmp_path: Path) -> None:
    conn = fresh_sqlite(tmp_path)
    conn.execute("INSERT INTO discord_server_configs (server_id, brand_id) VALUES ('s1', 'b')")
    conn.execute(
        "INSERT INTO discord_drops (drop_id, brand_id, server_id, event_id, max_claims, claims_count) "
        "VALUES ('d1', 'b', 's1', 'e', 2, 2)"
    )
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        conn.execute("UPDATE discord_drops SET claims_count = claims_count + 1")


def _indexed_leading_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    leading = set()
    for index in conn.execute(f"PRAGMA index_list({table})"):
        columns = [row[2] for row in conn.execute(f"PRAGMA index_info({index[1]})")]
        if columns and columns[0] is not None:
            leading.add(columns[0])
    return leading


def test_seed_indexes(tmp_path: Path) -> None:
    """server_id on all tables, brand_id on brand-scoped ones, discord_user_id and created_at where they are."""
    conn = fresh_sqlite(tmp_path)
    brand_scoped = {t for t, cols in SEED.items() if "brand_id" in cols}
    for table, columns in SEED.items():
        leading = _indexed_leading_columns(conn, table)
        if table == "discord_drop_claims":
            assert "drop_id" in leading  # claims are reached through their drop
        assert "server_id" in leading, f"{table} has no index on server_id"
        if table in brand_scoped:
            assert "brand_id" in leading, f"{table} has no index on brand_id"
        if "discord_user_id" in columns:
            assert "discord_user_id" in leading, f"{table} has no index for user queries"
        if "created_at" in columns:
            all_columns = {
                row[2]
                for index in conn.execute(f"PRAGMA index_list({table})")
                for row in conn.execute(f"PRAGMA index_info({index[1]})")
            }
            assert "created_at" in all_columns, f"{table} has no index for time queries"
