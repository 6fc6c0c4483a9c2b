"""SQLite engine on aiosqlite: WAL, foreign keys on, one writer connection and one reader, busy timeout.

Every write and every transaction goes through the writer connection, one at a time (an asyncio lock).
A lone SELECT goes to the reader connection instead (WAL lets it read the last commit while a
transaction is open): under load, members' commands read without queueing behind reward batches and
claims, and the reader's thread runs their queries back to back, with no turn of the event loop between
them. A database in memory has no second connection, so there everything uses the writer.

Values are typed by the column's declared type (TIMESTAMPTZ, DATE, JSONB, BOOLEAN, NUMERIC, UUID),
so rows come back as the same Python types the PostgreSQL driver returns (sqlite_codecs.py).
"""

from __future__ import annotations

import asyncio
import os
import pwd
import re
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from loyalteez import private_files
from loyalteez.store.database import DatabaseError, FetchHelpers, Row, TransactionSlot
from loyalteez.store.sqlite_codecs import adapt_rows, to_sql

T = TypeVar("T")
_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


# What runs on the connection's thread, one call per statement (parameters adapted there too).


def _execute(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    cursor = conn.execute(sql, [to_sql(p) for p in params])
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _executemany(conn: sqlite3.Connection, sql: str, rows: list[Sequence[Any]]) -> None:
    conn.executemany(sql, adapt_rows(rows)).close()


def _execute_sent(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    """A sent write: only inside the transaction it was sent in. Some errors (I/O, out of memory) end the
    transaction, and a write queued behind one would otherwise commit on its own."""
    if not conn.in_transaction:
        raise sqlite3.OperationalError("the transaction ended before a write sent in it ran")
    return _execute(conn, sql, params)


def _retrieve(future: asyncio.Future[None]) -> None:
    """Mark a dropped future's error as seen, so asyncio does not warn about it."""
    if not future.cancelled():
        future.exception()


def _fetch_all(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Row]:
    cursor = conn.execute(sql, [to_sql(p) for p in params])
    try:
        return [dict(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


class SqliteDatabase(FetchHelpers):
    """A writer connection (an asyncio lock makes each transaction or lone write exclusive) and a reader."""

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: str, reader: aiosqlite.Connection | None = None) -> None:
        self._conn = conn
        self._reader = reader
        self.path = path
        self._lock = asyncio.Lock()
        self._waiting = 0  # tasks waiting for the lock (see writers_waiting)
        self._slot = TransactionSlot(f"sqlite-tx-{id(self)}")
        self._sent: list[asyncio.Future[None]] = []  # writes started by send, not yet seen to succeed
        self._sent_error: BaseException | None = None  # the first that failed, until its transaction ends

    @classmethod
    async def open(cls, path: str | Path, *, create: bool = True) -> SqliteDatabase:
        """Open (or, with `create`, make) the file; any failure is one DatabaseError and leaves no connection.

        aiosqlite runs each connection on a non-daemon thread: a connection left open on an error path
        keeps the whole process alive after it has printed its error, so every failure closes it.
        """
        target = str(path)
        if target != ":memory:":
            check_path(Path(target), create=create)
            if create:
                private_files.create_file(Path(target))  # owner-only, and so are its -wal and -shm files
        conn: aiosqlite.Connection | None = None
        try:
            conn = await aiosqlite.connect(
                target, detect_types=sqlite3.PARSE_DECLTYPES, isolation_level=None, timeout=5.0
            )
            conn.row_factory = sqlite3.Row
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA foreign_keys=ON",
                "PRAGMA busy_timeout=5000",
                # FULL: a committed (acknowledged) reward survives a crash of the process or the machine.
                "PRAGMA synchronous=FULL",
                # 32 MiB of pages (the default is 2 MiB): a batch's inserts land on a few thousand index pages
                # of a ledger with millions of rows; re-reading them from the OS for every batch is slow.
                "PRAGMA cache_size=-32768",
                # Checkpoint every 32,768 pages (128 MiB of WAL) rather than 1,000: a batch on a big ledger
                # changes a page of the member index per member, so the default checkpoints after nearly
                # every batch and writes the same pages back again and again (with 1M payouts of history
                # this more than halves the commit time). After a checkpoint the WAL file is cut back to
                # 32 MiB, so a quiet bot does not keep the high-water mark on disk.
                "PRAGMA wal_autocheckpoint=32768",
                "PRAGMA journal_size_limit=33554432",
            ):
                await conn.execute(pragma)
        except sqlite3.Error as exc:
            if conn is not None:
                await conn.close()
            raise DatabaseError(open_failure(Path(target), exc)) from exc
        except BaseException:
            if conn is not None:
                await conn.close()
            raise
        try:
            reader = None if target == ":memory:" else await _open_reader(target)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, target, reader)

    async def open_reader(self) -> SqliteDatabase:
        """A second connection to the same file, for reads only.

        WAL lets it read the last commit while this connection writes, on its own thread: a long read
        (a dashboard page, the JSON API) then neither waits for the writer's lock nor holds it up. An
        in-memory database has no second view of itself: reads stay on this connection.
        """
        if self.path == ":memory:":
            return self
        reader = await SqliteDatabase.open(self.path, create=False)
        await reader.execute("PRAGMA query_only=ON")
        return reader

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[aiosqlite.Connection]:
        """Inside a transaction of this task: run directly; otherwise take the lock for one statement."""
        if self._slot.current() is not None:
            yield self._conn
            return
        async with self._write_turn():
            yield self._conn

    @property
    def writers_waiting(self) -> int:
        """Tasks waiting for the write connection now (transactions, lone writes, and on an in-memory
        database reads too): the rewards writer keeps its batches small while any wait."""
        return self._waiting

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        self._waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._lock.release()

    async def _in_thread(self, conn: aiosqlite.Connection, work: Callable[..., T], *args: Any) -> T:
        """Run `work(sqlite3_connection, *args)` on the connection's thread: one hop for a whole statement.

        aiosqlite's own cursor API costs a hop for the statement, one for the rows and one to close the
        cursor; each hop is a thread wake-up and a GIL hand-over, a good part of a small statement's cost.
        """
        result: T = await conn._execute(work, conn._conn, *args)  # type: ignore[no-untyped-call]
        if self._sent and conn is self._conn:
            self._raise_sent()  # started before this statement, so finished before it (the thread is FIFO)
        return result

    async def send(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Inside a transaction: put the write on the connection's thread and return (see Database)."""
        conn = self._conn
        if self._slot.current() is None or not conn._running:
            await self.execute(sql, params)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        conn._tx.put_nowait((future, partial(_execute_sent, conn._conn, sql, params)))
        self._sent.append(future)

    def _raise_sent(self) -> None:
        """Raise the first error of the finished sent writes, and again until the transaction ends: a caller
        that catches the statement it was raised from must not commit without the failed write."""
        finished = [f for f in self._sent if f.done()]
        self._sent = [f for f in self._sent if not f.done()]
        errors = [e for f in finished if (e := f.exception()) is not None]  # every one retrieved
        if self._sent_error is None and errors:
            self._sent_error = errors[0]
        if self._sent_error is not None:
            raise self._sent_error

    async def _settle_sent(self) -> None:
        """Wait for the sent writes; raises the first one's error."""
        if self._sent:
            await asyncio.wait(self._sent)
        self._raise_sent()

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._statement() as conn:
            return await self._in_thread(conn, _execute, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self._statement() as conn:
            await self._in_thread(conn, _executemany, sql, rows if isinstance(rows, list) else list(rows))

    async def queue(self, sql: str, params: Sequence[Any] = (), *, once: bool = False) -> None:
        """No network to save here: run it now (a repeated row lock is harmless: one writer at a time)."""
        await self.execute(sql, params)

    async def queue_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        if self._reader is not None and self._slot.current() is None and _is_select(sql):
            # Rows become dicts on the reader's thread: a big read (a whole ranking) keeps the loop free.
            return await self._in_thread(self._reader, _fetch_all, sql, params)
        async with self._statement() as conn:
            return await self._in_thread(conn, _fetch_all, sql, params)

    def in_transaction(self) -> bool:
        """Has this asyncio task a transaction open (so a new `transaction()` would join it)?"""
        return self._slot.current() is not None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE so the write lock is taken up front; nested calls join the outer one."""
        if self._slot.current() is not None:
            yield
            return
        async with self._write_turn():
            await self._in_thread(self._conn, _execute, "BEGIN IMMEDIATE", ())
            try:
                async with self._slot.hold(self):
                    yield
                    await self._settle_sent()  # a failed sent write rolls the transaction back
            except BaseException:
                sent, self._sent, self._sent_error = self._sent, [], None  # the rollback's cause, or moot
                try:
                    await self._in_thread(self._conn, _execute, "ROLLBACK", ())
                finally:
                    for future in sent:
                        future.add_done_callback(_retrieve)
                raise
            try:
                await self._in_thread(self._conn, _execute, "COMMIT", ())
            except BaseException:
                # A failed COMMIT leaves the transaction open, and every later BEGIN would fail with it.
                with suppress(sqlite3.Error):
                    await self._in_thread(self._conn, _execute, "ROLLBACK", ())
                raise

    async def executescript(self, script: str) -> None:
        """Run a whole SQL file atomically (executescript itself would commit between statements)."""
        async with self.transaction():
            for statement in split_sql(script):
                await self._conn.execute(statement)

    async def table_columns(self, table: str) -> dict[str, str]:
        rows = await self.fetch_all("SELECT name, type FROM pragma_table_info(?)", [table])
        return {row["name"]: str(row["type"]).upper() for row in rows}

    async def table_names(self) -> list[str]:
        rows = await self.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return [row["name"] for row in rows if not row["name"].startswith("sqlite_")]

    async def close(self) -> None:
        try:
            if self._reader is not None:
                await self._reader.close()
        finally:
            await self._conn.close()


async def _open_reader(target: str) -> aiosqlite.Connection:
    """The second connection, for lone SELECTs: it may not write (a write there would race the writer's)."""
    reader = await aiosqlite.connect(target, detect_types=sqlite3.PARSE_DECLTYPES, isolation_level=None, timeout=5.0)
    try:
        reader.row_factory = sqlite3.Row
        for pragma in ("PRAGMA query_only=ON", "PRAGMA busy_timeout=5000"):
            await reader.execute(pragma)
    except BaseException:
        await reader.close()
        raise
    return reader


def _is_select(sql: str) -> bool:
    """A statement that only reads (an UPDATE … RETURNING also comes through fetch_all, and must not). A WITH
    query reads unless it names a write anywhere (a ranking's page is a WITH query: it must not queue for the
    writer behind claims); a read taken for a write is refused by the reader (query_only), never run there."""
    head = sql.lstrip()[:6].upper()
    return head == "SELECT" or (head[:4] == "WITH" and _WRITES.search(sql) is None)


def check_path(path: Path, *, create: bool) -> None:
    """Refuse, in one sentence, a path that cannot be a database file; make its folder when creating."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file: name the file, e.g. {path / 'loyalteez.db'}")
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise DatabaseError(f"cannot use {path} as a database: {blocker} is a file, not a folder")
    if not path.exists() and not create:
        raise DatabaseError(
            f"there is no database at {path}: check --db or LOYALTEEZ_DB (this command never creates one)"
        )
    if create:
        try:
            private_files.make_dirs(path.parent)
        except OSError as exc:
            raise DatabaseError(f"cannot create the folder {path.parent}: {exc.strerror or exc}") from exc


def write_problem(path: Path) -> str | None:
    """Why this process could not write the database (None if it can), asked of the kernel, not assumed.

    A file made once by root and served by a dedicated user opens and reads fine; only the first write
    fails. So both the permission (os.access, which honours capabilities rather than just the uid) and a real
    open for writing are tried, for the file, its -wal/-shm companions and the folder they live in.
    """
    user = _user_name()
    for file in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
        if not file.exists():
            continue
        try:
            if not os.access(file, os.W_OK):
                raise PermissionError
            with file.open("r+b"):
                pass
        except OSError:
            return (
                f"{file} is not writable by user {user}, so every reward would fail: "
                f"chown it to {user} or run the bot as its owner"
            )
    folder = path.parent
    if folder.is_dir():
        try:
            if not os.access(folder, os.W_OK | os.X_OK):
                raise PermissionError
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError:
            return f"the folder {folder} is not writable by user {user}: SQLite writes its -wal and -shm files there"
    return None


def _user_name() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def open_failure(path: Path, exc: sqlite3.Error) -> str:
    """Why a database could not be opened, with the usual cause when SQLite's own words are vague."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"cannot open the SQLite database at {path}: the folder {folder} is not writable "
            "(SQLite keeps its -wal and -shm files beside the database)"
        )
    if "not a database" in str(exc) or "malformed" in str(exc):
        return f"{path} is not a SQLite database (damaged, truncated or another kind of file)"
    return f"cannot open the SQLite database at {path}: {exc}"


def split_sql(script: str) -> list[str]:
    """Split a schema file into statements: drop `--` comments, cut at semicolons.

    The schema files keep semicolons out of strings and comments, so this stays simple.
    """
    lines = []
    for line in script.splitlines():
        code, _, _ = line.partition("--")
        lines.append(code)
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
