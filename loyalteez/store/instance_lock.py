"""One process at a time per database: an exclusive, named lock that the operating system or the server frees.

    lock = await hold(target, "instance", "run")   # raises LockHeld naming the holder's PID
    ...
    await lock.release()

SQLite: `flock` on a file next to the database (`bot.db.lock`), which also records the holder's PID and
command. The kernel drops a flock when its process dies, however it dies, so a crash never leaves a stale
lock; the file itself stays and is simply locked again by the next holder.
PostgreSQL: a transaction advisory lock in the target database, held by one dedicated connection (never a
pooled one) in a transaction kept open. The server drops it when that connection ends, and a transaction-mode
pooler (PgBouncer, Supabase's) keeps the client on one server connection while its transaction is open.
The holder is found again through its connection's application_name, which carries the PID and command.

A name picks an independent lock, so other single-holder roles can take their own lock on the same database
without touching the instance lock.

Several bot processes on one PostgreSQL database (`hold_shards`): each holds the instance lock *shared*, which
still refuses `restore`, `import --apply` and the other commands that need the database to themselves, and
one exclusive lock per Discord shard it serves, so a second process is refused only when it claims a shard
already served. An unsharded bot serves shard 0 of 1, so two of them still refuse each other. SQLite keeps
one process per database, sharded or not.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import asyncpg

from loyalteez.store.database import DatabaseError
from loyalteez.store.pg_connect import CONNECT_TIMEOUT, connect_error, redact, split_options
from loyalteez.store.sqlite_db import check_path

INSTANCE = "instance"
# Two-key advisory locks: the first key marks the lock as this project's, the second is the lock's name.
_NAMESPACE = 0x4C545A  # "LTZ"
_HOLDER = re.compile(r"^loyalteez pid=(\d+) (.*)$")


class LockHeld(DatabaseError):
    """Someone else holds the lock; the message names their PID and what they are doing."""

    def __init__(self, where: str, pid: int | None, command: str | None, advice: str | None = None) -> None:
        self.where = where
        self.pid = pid
        self.command = command
        holder = f"PID {pid}" if pid else "another process"
        doing = f" ({command})" if command else ""
        advice = advice or "stop it first, or give this command another database"
        super().__init__(f"{where} is in use by {holder}{doing}: {advice}")


class Lock(Protocol):
    async def release(self) -> None: ...


def is_postgres(target: str) -> bool:
    return target.startswith(("postgres://", "postgresql://"))


def sqlite_path(target: str) -> Path:
    return Path(target.removeprefix("sqlite:///"))


def lock_file(database: Path, name: str = INSTANCE) -> Path:
    """`bot.db.lock` for the instance lock, `bot.db.<name>.lock` for any other."""
    suffix = ".lock" if name == INSTANCE else f".{name}.lock"
    return database.with_name(database.name + suffix)


class FileLock:
    """An exclusive flock on a file next to a SQLite database; synchronous, for commands without a loop."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def take(cls, database: Path, command: str, name: str = INSTANCE) -> FileLock:
        path = lock_file(database, name)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if not os.access(path.parent, os.W_OK | os.X_OK):
                raise DatabaseError(
                    f"cannot lock {database}: the folder {path.parent} is not writable "
                    f"(its lock file {path.name} and SQLite's -wal and -shm files live there)"
                ) from exc
            raise DatabaseError(f"cannot create the lock file {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, doing = _read_holder(fd)
            os.close(fd)
            raise LockHeld(str(database), pid, doing) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n{command}\n".encode(), 0)
        return cls(path, fd)

    def release_now(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.ftruncate(fd, 0)  # the PID of a process that has let go would only mislead a reader
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    async def release(self) -> None:
        self.release_now()


def _read_holder(fd: int) -> tuple[int | None, str | None]:
    lines = os.pread(fd, 512, 0).decode(errors="replace").splitlines()
    pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    return pid, (lines[1].strip() or None) if len(lines) > 1 else None


def _key(name: str) -> tuple[int, int]:
    return (_NAMESPACE, zlib.crc32(name.encode()) & 0x7FFFFFFF)


def shard_lock_name(shard_id: int, shard_count: int) -> str:
    """An unsharded bot is shard 0 of 1: its lock is the same as a one-shard bot's."""
    return f"shard {shard_id} of {shard_count}"


class AdvisoryLock:
    """PostgreSQL advisory locks held by their own connection, in an open transaction, for as long as held."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn: asyncpg.Connection | None = conn

    @classmethod
    async def take(cls, url: str, command: str, name: str = INSTANCE) -> AdvisoryLock:
        return await cls.take_all(url, command, [(name, False, None)])

    @classmethod
    async def take_all(cls, url: str, command: str, locks: list[tuple[str, bool, str | None]]) -> AdvisoryLock:
        """Take each (name, shared, what it guards) in order on one connection, or none of them."""
        dsn, options = split_options(url)
        try:
            conn = await asyncpg.connect(
                dsn,
                timeout=CONNECT_TIMEOUT,
                statement_cache_size=options.get("statement_cache_size", 100),
                server_settings={"application_name": f"loyalteez pid={os.getpid()} {command}"[:63]},
            )
        except (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise connect_error(url, exc) from exc
        try:
            # Transaction-level locks in a transaction left open: a pooler keeps the server connection for
            # this client while its transaction is open, and the locks end with it, whereas a session lock
            # would stay on a pooled server connection after this client left (and go to the next client).
            await conn.execute("BEGIN")
            for name, shared, what in locks:
                key = _key(name)
                take = "pg_try_advisory_xact_lock_shared" if shared else "pg_try_advisory_xact_lock"
                if await conn.fetchval(f"SELECT {take}($1, $2)", *key):
                    continue
                holder = await conn.fetchval(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 "
                    "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = "
                    "current_database()) AND l.pid <> pg_backend_pid() LIMIT 1",
                    *key,
                )
                found = _HOLDER.match(holder or "")
                where = f"{redact(url)} ({what})" if what else redact(url)
                advice = "stop it first, or let this process serve other shards (LOYALTEEZ_SHARD_IDS)" if what else None
                raise LockHeld(where, int(found.group(1)) if found else None, found.group(2) if found else None, advice)
        except BaseException:
            await _close_quietly(conn)
            raise
        return cls(conn)

    async def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await _close_quietly(conn)  # ending the session (and its transaction) frees its advisory locks


async def _close_quietly(conn: asyncpg.Connection) -> None:
    try:
        await asyncio.wait_for(conn.close(), CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        conn.terminate()


async def hold(target: str, command: str, name: str = INSTANCE) -> Lock:
    """Take the named lock of the database at `target` (SQLite path or URL, or a PostgreSQL URL)."""
    if is_postgres(target):
        return await AdvisoryLock.take(target, command, name)
    database = sqlite_path(target)
    check_path(database, create=True)  # one sentence for a folder, a file in the way, a missing folder
    return FileLock.take(database, command, name)


async def hold_shards(target: str, command: str, shards: Sequence[int], shard_count: int | None) -> Lock:
    """The bot's lock: on PostgreSQL the instance lock shared plus each shard served; on SQLite the instance lock."""
    if not is_postgres(target):
        return await hold(target, command)
    count = shard_count or 1
    locks: list[tuple[str, bool, str | None]] = [(INSTANCE, True, None)]
    for shard in shards:
        what = f"shard {shard} of {count}" if shard_count is not None else None
        locks.append((shard_lock_name(shard, count), False, what))
    return await AdvisoryLock.take_all(target, command, locks)
