"""What the rewards engine is measured against, in the same run: the cost of the writes alone.

- raw SQLite ceiling: for every event one ledger insert and one stats upsert, through sqlite3's
  executemany in one transaction (no decisions, no dedupe, no rollups);
- naive loop: the same two statements and a commit per event through aiosqlite, what a listener that
  writes as it goes costs;
- PostgreSQL anchor: asyncpg COPY of one ledger row per event plus one aggregated stats upsert per
  2,500 events, in a transaction per 2,500.

All on the engine's own schema and settings (WAL, synchronous=FULL), and prior ledger history for the
engine runs is written here too, straight into the file, as months of earlier payouts would have.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from loyalteez.store.schema import SCHEMA_FILE

ANCHOR_BATCH = 2_500
LEDGER_SQL = (
    "INSERT INTO loyalteez_reward_ledger (id, brand_id, server_id, discord_user_id, event_type, amount, "
    "idempotency_key, channel_id, is_test, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
STATS_SQL = (
    "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, ltz_earned, "
    "created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT (server_id, discord_user_id) DO UPDATE SET "
    "messages_count = discord_user_stats.messages_count + 1, "
    "ltz_earned = discord_user_stats.ltz_earned + excluded.ltz_earned, updated_at = excluded.updated_at"
)
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def anchor_rows(
    brand: str, server: str, authors: Sequence[str], start: datetime
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """One ledger row and one stats upsert per event, shaped as the engine writes them."""
    ledger: list[tuple[object, ...]] = []
    stats: list[tuple[object, ...]] = []
    details = json.dumps({"base": 5, "rule_id": "r"})
    for i, author in enumerate(authors):
        at = _stamp(start + timedelta(milliseconds=i))
        ledger.append(
            (str(uuid.uuid4()), brand, server, author, "gm_checkin", 5, f"a{i}:gm", None, 0, details, at)
        )  # fmt: skip
        stats.append((brand, server, author, 5, at, at))
    return ledger, stats


def _fresh(path: Path, brand: str, server: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SCHEMA_FILE.read_text(encoding="utf-8"))
    for pragma in PRAGMAS:
        db.execute(pragma)
    db.execute("INSERT INTO discord_server_configs (server_id, brand_id) VALUES (?, ?)", (server, brand))
    return db


def raw_ceiling(path: Path, brand: str, server: str, authors: Sequence[str], start: datetime) -> float:
    """Seconds to write one ledger row and one stats upsert per event with executemany, one commit."""
    ledger, stats = anchor_rows(brand, server, authors, start)
    db = _fresh(path, brand, server)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(LEDGER_SQL, ledger)
    db.executemany(STATS_SQL, stats)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


async def naive_loop(path: Path, brand: str, server: str, authors: Sequence[str], start: datetime) -> float:
    """Seconds for the same two statements per event through aiosqlite, committing after each event."""
    ledger, stats = anchor_rows(brand, server, authors, start)
    _fresh(path, brand, server).close()
    async with aiosqlite.connect(path, isolation_level=None) as db:
        for pragma in PRAGMAS:
            await db.execute(pragma)
        started = time.perf_counter()
        for ledger_row, stats_row in zip(ledger, stats, strict=True):
            await db.execute("BEGIN IMMEDIATE")
            await db.execute(LEDGER_SQL, ledger_row)
            await db.execute(STATS_SQL, stats_row)
            await db.execute("COMMIT")
        return time.perf_counter() - started


def add_history(path: Path, brand: str, server: str, members: Sequence[str], rows: int, before: datetime) -> float:
    """Write `rows` earlier payouts of this server's members (the year before `before`); returns seconds."""
    events = ("gm_checkin", "gn_checkin", "quality_message", "ltz_shoutout")
    details = json.dumps({"base": 5, "rule_id": "r"})
    db = sqlite3.connect(path, isolation_level=None)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    step = max(1, 365 * 86_400_000 // max(rows, 1))  # milliseconds between two earlier payouts
    chunk = 200_000
    for first in range(0, rows, chunk):
        batch = []
        for i in range(first, min(rows, first + chunk)):
            at = _stamp(before - timedelta(milliseconds=step * (rows - i)))
            event = events[i % 4]
            batch.append(
                (str(uuid.UUID(int=i + 1, version=4)), brand, server, members[i % len(members)], event, 5,
                 f"hist{i}:{event}", None, 0, details, at)
            )  # fmt: skip
        db.executemany(LEDGER_SQL, batch)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


async def postgres_anchor(url: str, brand: str, server: str, authors: Sequence[str], start: datetime) -> float:
    """Seconds for asyncpg COPY of one ledger row per event plus one aggregated upsert per 2,500 events."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "INSERT INTO discord_server_configs (server_id, brand_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            server,
            brand,
        )
        columns = (
            "id", "brand_id", "server_id", "discord_user_id", "event_type", "amount", "idempotency_key",
            "channel_id", "is_test", "details", "created_at",
        )  # fmt: skip
        started = time.perf_counter()
        for first in range(0, len(authors), ANCHOR_BATCH):
            part = authors[first : first + ANCHOR_BATCH]
            at = start + timedelta(milliseconds=first)
            records = [
                (uuid.uuid4(), brand, server, a, "gm_checkin", 5, f"p{first + i}:gm", None, False, '{"base":5}', at)
                for i, a in enumerate(part)
            ]
            totals: dict[str, int] = {}
            for author in part:
                totals[author] = totals.get(author, 0) + 1
            async with conn.transaction():
                await conn.copy_records_to_table("loyalteez_reward_ledger", records=records, columns=columns)
                await conn.execute(
                    "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, "
                    "ltz_earned, created_at, updated_at) SELECT $1, $2, m, n, n * 5, $3, $3 "
                    "FROM unnest($4::text[], $5::int[]) AS v(m, n) ON CONFLICT (server_id, discord_user_id) "
                    "DO UPDATE SET messages_count = discord_user_stats.messages_count + excluded.messages_count, "
                    "ltz_earned = discord_user_stats.ltz_earned + excluded.ltz_earned, "
                    "updated_at = excluded.updated_at",
                    brand,
                    server,
                    at,
                    list(totals),
                    list(totals.values()),
                )
        return time.perf_counter() - started
    finally:
        await conn.close()
