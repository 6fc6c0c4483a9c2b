"""PostgreSQL engine on asyncpg: the same `Database` contract as the SQLite engine, over a connection pool.

Store SQL is written once with `?` placeholders; pg_codecs.py rewrites them to `$1..$n` and sets codecs on
every pooled connection so rows come back exactly as the SQLite driver returns them; pg_connect.py reads
the URL's own options and words connect errors.

Transactions: `transaction()` holds one pooled connection for its whole body, nests per asyncio task (an
inner call joins the outer one, as on SQLite) and runs at READ COMMITTED. A context manager cannot re-run
its body, so it never retries; lone statements (autocommit) are retried on serialization failure or
deadlock (SQLSTATE 40001/40P01) because nothing of theirs survived, and `atomic(fn)` re-runs a whole
transaction callable, optionally at a stricter isolation level. That is where retries apply, and only there.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg

from loyalteez.store.database import Database, DatabaseError, FetchHelpers, Row, TransactionSlot
from loyalteez.store.pg_codecs import declared_type, param, reset, rowcount, setup_connection, to_dollar
from loyalteez.store.pg_connect import CONNECT_TIMEOUT, OPTIMISTIC_WRITES, connect_error, redact, split_options
from loyalteez.store.pg_literals import render

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
ISOLATION_LEVELS = ("read_committed", "repeatable_read", "serializable")
# A statement holds its connection for a network round trip: 20 ms away, a server paying 50 drop claims a
# second (5 round trips each) keeps 5 connections busy on average, and bursts need a few times that.
POOL_MAX_SIZE = 20
# A round trip this slow or slower (a database in another building, Supabase from elsewhere) makes holding
# the rewards locks across a batch's reads cost more than reading its checks twice.
SLOW_ROUND_TRIP = 0.002


async def _round_trip(pool: asyncpg.Pool) -> float:
    """The network's round trip to the database, the fastest of a few pings.

    A property of the link measured on the wall clock, not time the bot's features see, so it does not go
    through the injected clock (a test's manual clock would make every database look next door)."""
    fastest = float("inf")
    async with pool.acquire() as conn:
        for _ in range(3):
            started = time.perf_counter()
            await conn.fetchval("SELECT 1")
            fastest = min(fastest, time.perf_counter() - started)
    return fastest


def retryable(exc: BaseException) -> bool:
    return isinstance(exc, asyncpg.PostgresError) and getattr(exc, "sqlstate", None) in RETRYABLE_SQLSTATES


# -- the engine ----------------------------------------------------------------------------------------------


_BEGIN = {
    None: "BEGIN",
    "read_committed": "BEGIN ISOLATION LEVEL READ COMMITTED",
    "repeatable_read": "BEGIN ISOLATION LEVEL REPEATABLE READ",
    "serializable": "BEGIN ISOLATION LEVEL SERIALIZABLE",
}


@dataclass
class _Held:
    """The connection a transaction holds; the lock keeps sub-tasks of one transaction from overlapping.

    `pending`: statements written as literal SQL and not sent yet, oldest first — BEGIN until the first
    request, then queued writes — which go with the next request in one round trip (see `queue`).
    """

    conn: asyncpg.Connection
    pending: list[str]
    literals: bool  # the server reads standard-conforming strings, so literal SQL means what it says
    begun: bool = False  # BEGIN has reached the server
    once: set[str] = field(default_factory=set)  # statements queued with once=True (row locks, held to the end)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class PostgresDatabase(FetchHelpers):
    """asyncpg pool behind the store's `Database` protocol."""

    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: str, user: str = "") -> None:
        self._pool = pool
        self.url = redact(url)
        self.user = user  # the role the pool logged in as, for messages
        self._slot = TransactionSlot(f"pg-tx-{id(self)}")
        # Requests that waited for the server's answer (statements, BEGIN, COMMIT): against a remote
        # database each costs one network round trip, so tests bound them per command and benches report them.
        self.round_trips = 0
        self.trace: list[str] | None = None  # set to a list to record what each round trip was (debugging)
        # Without a statement cache (behind a transaction-mode pooler) asyncpg prepares every statement
        # again before running it: one more round trip each.
        self.trips_per_statement = 1
        self.round_trip_seconds = 0.0
        # Decide reward writes before taking the rewards locks, and write them behind a guard? That guard
        # reads the batch's checks a second time: worth it only when the locks would otherwise be held across
        # slow round trips (a database tens of milliseconds away), not on a nearby one.
        self.optimistic_writes = False

    @classmethod
    async def open(cls, url: str, *, min_size: int = 1, max_size: int = POOL_MAX_SIZE) -> PostgresDatabase:
        """Connect a pool; a bad URL or a refusing server becomes one DatabaseError sentence."""
        try:
            dsn, options = split_options(url)
            optimistic = options.pop(OPTIMISTIC_WRITES, "auto")
            options = {"min_size": min_size, "max_size": max_size, **options}
            pool = await asyncpg.create_pool(
                dsn,
                init=setup_connection,
                reset=reset,
                timeout=CONNECT_TIMEOUT,
                server_settings={"application_name": "loyalteez-bot"},
                **options,
            )
        except (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise connect_error(url, exc) from exc
        try:
            user = await pool.fetchval("SELECT current_user")
            round_trip = await _round_trip(pool)
        except BaseException:
            pool.terminate()
            raise
        opened = cls(pool, url, user)
        opened.trips_per_statement = 2 if options.get("statement_cache_size", 1) == 0 else 1
        opened.round_trip_seconds = round_trip
        opened.optimistic_writes = optimistic == "on" or (optimistic == "auto" and round_trip >= SLOW_ROUND_TRIP)
        return opened

    def in_transaction(self) -> bool:
        """Has this asyncio task a transaction open (so a new `transaction()` would join it)?"""
        return self._slot.current() is not None

    def _count(self, what: str, trips: int = 1) -> None:
        self.round_trips += trips
        if self.trace is not None:
            self.trace.extend([what] * trips)

    # -- connections -----------------------------------------------------------------------------------------

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        held = self._slot.current()
        if held is not None:
            async with held.lock:
                if held.pending:
                    await self._flush(held)
                yield held.conn
            return
        async with self._pool.acquire() as conn:
            yield conn

    async def _flush(self, held: _Held, last: str | None = None) -> str:
        """Send the pending statements (and `last`) in one simple-query message; the last one's status."""
        statements = [*held.pending, *([last] if last is not None else [])]
        held.pending = []
        held.begun = True  # BEGIN is the first pending statement until the first request
        self._count("; ".join(s if len(s) < 120 else s[:117] + "..." for s in statements))
        status: str = await held.conn.execute(";\n".join(statements))
        return status

    def _literal(self, held: _Held | None, sql: str, params: Sequence[Any]) -> str | None:
        """The statement as literal SQL when it can join others in one round trip inside this transaction."""
        if held is None or not held.literals:
            return None
        return render(sql, params)

    async def _run(self, op: Callable[[asyncpg.Connection], Awaitable[T]], query: str = "", attempts: int = 5) -> T:
        """One statement; outside a transaction a serialization failure or deadlock is retried."""
        for attempt in range(1, attempts + 1):
            try:
                async with self._connection() as conn:
                    self._count(query, self.trips_per_statement)
                    return await op(conn)
            except asyncpg.PostgresError as exc:
                if self._slot.current() is not None or not retryable(exc) or attempt == attempts:
                    raise
                await _backoff(attempt)
        raise AssertionError("unreachable")

    # -- the Database protocol ---------------------------------------------------------------------------------

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        held = self._slot.current()
        # With statements pending (BEGIN at least), this one goes with them: one round trip for all.
        if held is not None and (held.pending or self.trips_per_statement > 1):
            text = self._literal(held, sql, params)
            if text is not None:
                async with held.lock:
                    return rowcount(await self._flush(held, text))
        query, args = to_dollar(sql), [param(p) for p in params]
        return rowcount(await self._run(lambda conn: conn.execute(query, *args), query))

    async def queue(self, sql: str, params: Sequence[Any] = (), *, once: bool = False) -> None:
        """A write whose row count nobody needs: inside a transaction it is sent with the next request
        (or the COMMIT) instead of on its own, so several such writes cost one round trip. Its error, if
        any, is raised there, and rolls the transaction back like any other. Outside one, it runs now.

        `once`: the same statement queued again in this transaction is skipped (a row lock is held to the end).
        """
        held = self._slot.current()
        text = self._literal(held, sql, params)
        if held is None or text is None:
            await self.execute(sql, params)
            return
        async with held.lock:
            if once:
                if text in held.once:
                    return
                held.once.add(text)
            held.pending.append(text)

    async def queue_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """`executemany` as queued writes (see `queue`)."""
        held, rows = self._slot.current(), list(rows)
        texts = [self._literal(held, sql, row) for row in rows]
        if held is None or any(text is None for text in texts):
            await self.executemany(sql, rows)
            return
        async with held.lock:
            held.pending.extend(text for text in texts if text is not None)

    async def send(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Queued with the transaction's next statement (see `queue`)."""
        await self.queue(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        query, args = to_dollar(sql), [[param(p) for p in row] for row in rows]
        if args:
            await self._run(lambda conn: conn.executemany(query, args), query)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        query, args = to_dollar(sql), [param(p) for p in params]
        records = await self._run(lambda conn: conn.fetch(query, *args), query)
        return [dict(record) for record in records]

    @asynccontextmanager
    async def transaction(self, isolation: str | None = None) -> AsyncIterator[None]:
        """Hold one pooled connection; commit at the end, roll back on any exception; nested calls join.

        `isolation` (read_committed by default) applies only to the outermost transaction.
        """
        if self._slot.current() is not None:
            yield
            return
        if isolation is not None and isolation not in ISOLATION_LEVELS:
            raise ValueError(f"isolation must be one of {ISOLATION_LEVELS}, not {isolation!r}")
        async with self._pool.acquire() as conn:
            # BEGIN is not sent on its own: it goes with the first request, and a transaction that made
            # none costs nothing. Queued writes go with the COMMIT.
            standard = getattr(conn.get_settings(), "standard_conforming_strings", "") == "on"
            held = _Held(conn, [_BEGIN[isolation]], standard)
            try:
                async with self._slot.hold(held):
                    yield
            except BaseException:
                await self._rollback(held)
                raise
            if held.begun or len(held.pending) > 1:
                try:
                    await self._flush(held, "COMMIT")
                except BaseException:
                    await self._rollback(held)
                    raise

    async def _rollback(self, held: _Held) -> None:
        held.pending = []
        if not held.begun:
            return
        try:  # asking a lost connection raises too: the error being handled must stay the one reported
            if not held.conn.is_in_transaction():
                return
            self._count("ROLLBACK")
            await held.conn.execute("ROLLBACK")
        except Exception:  # a broken connection: the pool discards it on release
            log.debug("rollback failed; the pool resets the connection", exc_info=True)

    async def atomic(self, fn: Callable[[], Awaitable[T]], *, isolation: str | None = None, attempts: int = 5) -> T:
        """Run `fn` in a transaction, re-running it whole on serialization failure or deadlock.

        `fn` must be safe to run again (no side effects outside the database). Called inside an open
        transaction it simply joins it: only the outermost owner can retry, so it must use atomic too.
        """
        if self._slot.current() is not None:
            return await fn()
        for attempt in range(1, attempts + 1):
            try:
                async with self.transaction(isolation=isolation):
                    return await fn()
            except asyncpg.PostgresError as exc:
                if not retryable(exc) or attempt == attempts:
                    raise
                log.info("transaction retried after %s (attempt %d)", exc.sqlstate, attempt)
                await _backoff(attempt)
        raise AssertionError("unreachable")

    async def executescript(self, script: str) -> None:
        """A whole SQL file in one transaction (simple-query protocol: no placeholders, many statements)."""
        try:
            async with self.transaction():
                held = self._slot.current()
                assert held is not None  # inside transaction(): its connection is held
                async with held.lock:
                    await self._flush(held, script)
        except asyncpg.InsufficientPrivilegeError as exc:
            raise DatabaseError(
                f"the PostgreSQL role {self.user} may not change the schema ({exc}): create or upgrade it once "
                "with the database owner's URL, then run supabase/bot_role.sql again"
            ) from exc

    async def table_columns(self, table: str) -> dict[str, str]:
        rows = await self.fetch_all(
            "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attnum",
            [table],
        )
        return {row["name"]: declared_type(row["type"]) for row in rows}

    async def table_names(self) -> list[str]:
        rows = await self.fetch_all(
            "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
        return [row["name"] for row in rows]

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._pool.close(), 10)
        except TimeoutError:
            self._pool.terminate()


async def _backoff(attempt: int) -> None:
    """Short, jittered waits so two retrying transactions do not collide again in lockstep."""
    await asyncio.sleep(random.uniform(0, 0.01 * 2**attempt))


async def run_atomic(
    db: Database, fn: Callable[[], Awaitable[T]], *, isolation: str | None = None, attempts: int = 5
) -> T:
    """Engine-neutral `atomic`: retried on PostgreSQL; on SQLite one serialised transaction never conflicts."""
    atomic = getattr(db, "atomic", None)
    if atomic is not None:
        result: T = await atomic(fn, isolation=isolation, attempts=attempts)  # PostgresDatabase.atomic returns fn's T
        return result
    async with db.transaction():
        return await fn()
