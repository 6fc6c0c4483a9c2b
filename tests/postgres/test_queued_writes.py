"""Writes queued in a transaction travel to PostgreSQL with the next statement or the COMMIT: fewer round
trips, the same rows, the same all-or-nothing. Values are written as literals there, so every kind of value
the store passes must come back exactly as a parameterised write stores it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from loyalteez.store.pg_literals import render
from loyalteez.store.postgres_db import PostgresDatabase
from tests.conftest import pg_schema

TABLE = (
    "CREATE TABLE probe (id INTEGER PRIMARY KEY, t TEXT, n BIGINT, f DOUBLE PRECISION, d NUMERIC, b BOOLEAN, "
    "at TIMESTAMPTZ, day DATE, j JSONB, u UUID)"
)
INSERT = "INSERT INTO probe (id, t, n, f, d, b, at, day, j, u) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


@pytest.fixture
async def db() -> AsyncIterator[PostgresDatabase]:
    async with pg_schema() as url:
        opened = await PostgresDatabase.open(url)
        try:
            await opened.execute(TABLE)
            yield opened
        finally:
            await opened.close()


TRICKY: list[Any] = [
    "it's a \\ backslash, a 'quote', a \"double\" and émojis 🎉; DROP TABLE probe; --",
    -42,
    -1.5,
    Decimal("-12.25"),
    True,
    datetime(2026, 3, 2, 23, 59, 59, 123456, tzinfo=timezone(timedelta(hours=-5))),
    date(2026, 2, 28),
    {"quote": "it's", "nested": [1, "two", None], "backslash": "a\\b"},
    "7d3c5c38-6a8f-4d0e-9f2b-3d1b1f0f8a11",
]


async def test_every_kind_of_value_comes_back_as_a_parameterised_write_stores_it(db: PostgresDatabase) -> None:
    async with db.transaction():
        await db.queue(INSERT, [1, *TRICKY])
    await db.execute(INSERT, [2, *TRICKY])
    rows = await db.fetch_all("SELECT t, n, f, d, b, at, day, j, u FROM probe ORDER BY id")
    assert rows[0] == rows[1]
    assert rows[0]["at"] == TRICKY[5].astimezone(UTC)


async def test_nulls_and_arrays_render_as_the_driver_binds_them(db: PostgresDatabase) -> None:
    async with db.transaction():
        await db.queue(INSERT, [1, None, None, None, None, None, None, None, None, None])
        await db.queue(
            "INSERT INTO probe (id, t) SELECT 2, string_agg(value, ',') FROM unnest(CAST(? AS TEXT[])) AS value",
            [["a,b", 'q"uote', "back\\slash", "it's"]],
        )
    rows = await db.fetch_all("SELECT id, t, n FROM probe ORDER BY id")
    assert rows == [{"id": 1, "t": None, "n": None}, {"id": 2, "t": "a,b,q\"uote,back\\slash,it's", "n": None}]


async def test_queued_writes_cost_one_round_trip_with_the_commit(db: PostgresDatabase) -> None:
    before = db.round_trips
    async with db.transaction():
        for n in range(5):
            await db.queue(INSERT, [n, "x", n, 0.5, 1, False, None, None, {}, None])
    assert db.round_trips - before == 1  # BEGIN, five inserts and COMMIT in one message
    assert await db.fetch_value("SELECT COUNT(*) FROM probe") == 5


async def test_an_empty_transaction_costs_nothing_and_a_first_write_carries_begin(db: PostgresDatabase) -> None:
    before = db.round_trips
    async with db.transaction():
        pass
    assert db.round_trips == before
    async with db.transaction():
        assert await db.execute(INSERT, [1, "x", 1, 1.0, 1, True, None, None, None, None]) == 1
    assert db.round_trips - before == 2  # BEGIN with the insert, then COMMIT


async def test_a_failing_queued_write_fails_the_transaction_and_nothing_is_kept(db: PostgresDatabase) -> None:
    with pytest.raises(asyncpg.UniqueViolationError):
        async with db.transaction():
            await db.execute(INSERT, [1, "kept?", 1, 1.0, 1, True, None, None, None, None])
            await db.queue(INSERT, [1, "duplicate", 1, 1.0, 1, True, None, None, None, None])
    assert await db.fetch_value("SELECT COUNT(*) FROM probe") == 0
    async with db.transaction():  # the pooled connection is usable again
        await db.queue(INSERT, [3, "fine", 1, 1.0, 1, True, None, None, None, None])
    assert await db.fetch_value("SELECT t FROM probe") == "fine"


async def test_an_exception_drops_the_queued_writes(db: PostgresDatabase) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.queue(INSERT, [1, "never", 1, 1.0, 1, True, None, None, None, None])
            raise RuntimeError("changed my mind")
    assert await db.fetch_value("SELECT COUNT(*) FROM probe") == 0


async def test_queued_writes_are_seen_by_the_next_read_of_the_same_transaction(db: PostgresDatabase) -> None:
    async with db.transaction():
        await db.queue(INSERT, [1, "x", 1, 1.0, 1, True, None, None, None, None])
        await db.queue("UPDATE probe SET n = n + 1 WHERE id = ?", [1], once=True)
        await db.queue("UPDATE probe SET n = n + 1 WHERE id = ?", [1], once=True)  # the same lock: skipped
        assert await db.fetch_value("SELECT n FROM probe WHERE id = ?", [1]) == 2


def test_values_without_a_safe_literal_are_sent_as_parameters() -> None:
    assert render("SELECT ?", ["nul \x00 inside"]) is None
    assert render("SELECT ?", [object()]) is None
    assert render("SELECT ?, '?'", [1]) == "SELECT 1, '?'"  # a quoted ? is text, not a placeholder
    with pytest.raises(ValueError, match="naive"):
        render("SELECT ?", [datetime(2026, 1, 1)])


async def test_a_list_is_json_unless_it_is_cast_to_an_array(db: PostgresDatabase) -> None:
    """A JSON column given a list (an event's keywords) gets JSON, as the driver's JSON codec would send it."""
    value = ["gm", "good morning", 'q"uote']
    async with db.transaction():
        await db.execute("INSERT INTO probe (id) VALUES (0)")
        await db.queue("INSERT INTO probe (id, j) VALUES (?, ?)", [1, value])
    await db.execute("INSERT INTO probe (id, j) VALUES (?, ?)", [2, value])
    rows = await db.fetch_all("SELECT j FROM probe WHERE id > 0 ORDER BY id")
    assert rows[0]["j"] == rows[1]["j"] == value
