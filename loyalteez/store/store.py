"""The store: the only place with SQL. Opens the engine, keeps the schema current, hands out scopes.

Tenant rows are reachable only through `store.scoped(Scope(...))`. The few unscoped operations are
operator-level (brands, from the command line) or resolve which brand a Discord server belongs to,
which is how a scope is built in the first place.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from loyalteez import logsafe
from loyalteez.clock import Clock, SystemClock
from loyalteez.store._tables import Catalog
from loyalteez.store.api_tokens import ApiTokenRows
from loyalteez.store.database import Database, DatabaseError, Row
from loyalteez.store.facade import ScopedData
from loyalteez.store.inspect import DatabaseReport, inspect
from loyalteez.store.leases import Leases
from loyalteez.store.repos.rewards import note_conflict
from loyalteez.store.schema import current_version, ensure_schema
from loyalteez.store.scope import Scope
from loyalteez.store.sqlite_db import SqliteDatabase

BRAND_COLUMNS = ("brand_id", "name", "key_salt", "key_hash", "ltz_budget", "created_at", "updated_at")
# Rows of these tables carry key salts and hashes: a logged statement on them never shows its parameters.
logsafe.protect_statements_on(("loyalteez_brands",))


class Store:
    def __init__(self, db: Database, catalog: Catalog, clock: Clock, schema_found: int | None) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        # The version the file was at when opened (None: created now); the CLI reports upgrades.
        self.schema_found = schema_found
        self._reader: Database | None = None  # reads only, on a connection of their own (see `reading`)
        self._reader_opening = asyncio.Lock()
        self._closed = False

    @classmethod
    async def open(cls, target: str, clock: Clock | None = None, *, create: bool = True) -> Store:
        """Open (creating or upgrading) the database at a SQLite path or `sqlite:///path` URL.

        `create=False` is for commands that only read: a missing SQLite file is refused, never made.
        """
        logsafe.install()
        db = await _open_engine(target, create=create)
        try:
            found, _ = await ensure_schema(db)
            if db.dialect == "postgresql":
                from loyalteez.store.policies import refuse_unprotected

                await refuse_unprotected(db)
            catalog = await Catalog.load(db)
        except sqlite3.DatabaseError as exc:  # a file that opens but breaks on first read: damaged
            await db.close()
            raise DatabaseError(f"{target} is damaged or not a Loyalteez database: {exc}") from exc
        except BaseException:
            await db.close()
            raise
        return cls(db, catalog, clock or SystemClock(), found)

    @staticmethod
    async def inspect(target: str) -> DatabaseReport:
        """The operator's read-only report: nothing is created or upgraded, the connection is closed after."""
        db = await _open_engine(target)
        try:
            return await inspect(db, str(getattr(db, "url", target)))
        finally:
            await db.close()

    async def close(self) -> None:
        # A read starting while this closes must not open a reader nobody closes: SQLite's connections run
        # on non-daemon threads, and one left open keeps the stopped process alive.
        self._closed = True
        async with self._reader_opening:
            reader, self._reader = self._reader, None
        if reader is not None and reader is not self.db:
            await reader.close()
        await self.db.close()

    @property
    def leases(self) -> Leases:
        """Single-holder roles among the processes on this database (store/leases.py)."""
        return Leases(self.db)

    @property
    def shared(self) -> bool:
        """May other processes write this database at the same time? PostgreSQL: yes (several bot processes,
        the operator CLI); SQLite: the instance lock keeps one bot per file. What a process caches about
        rows others write (a brand's spend) must be read afresh under the row lock when shared."""
        return self.db.dialect == "postgresql"

    @property
    def files_ledger(self) -> bool:
        """Does the ledger's filing job move anything here (store/repos/ledger_members.py)? SQLite only:
        PostgreSQL's bot role may not update the ledger, and its commits do not sync every changed page."""
        return self.db.dialect == "sqlite"

    @property
    def writers_waiting(self) -> int:
        """How many tasks of this process wait for the database's write turn now (SQLite; 0 on PostgreSQL,
        where each transaction has its own connection)."""
        return int(getattr(self.db, "writers_waiting", 0))

    @property
    def optimistic_writes(self) -> bool:
        """Decide reward writes before taking the rewards locks, guarded at write time? Only on a shared
        database a slow round trip away (or when the URL says `optimistic_writes=on`); see postgres_db."""
        return self.shared and bool(getattr(self.db, "optimistic_writes", False))

    def conflicted(self, exc: BaseException) -> bool:
        """Did a transaction lose a race (serialization failure, deadlock)? Nothing of it committed, so the
        caller may run it again. PostgreSQL only: SQLite runs one writer at a time."""
        if self.db.dialect != "postgresql":
            return False
        from loyalteez.store.postgres_db import retryable  # PostgreSQL only

        return retryable(exc)

    def in_transaction(self) -> bool:
        """Has the calling task a transaction open (so a new `transaction()` would join it)?"""
        return bool(getattr(self.db, "in_transaction", lambda: False)())

    def scoped(self, scope: Scope) -> ScopedData:
        """Everything one brand may see and change of one server, one repository per feature."""
        if not isinstance(scope, Scope):
            raise TypeError("store.scoped() needs a Scope")
        return ScopedData(self.db, self.catalog, scope, self.clock, self)

    async def reading(self, scope: Scope) -> ScopedData:
        """A scope for reads only, which never waits for (or holds up) the rewards writer.

        On SQLite a second connection reads the last commit while the first writes; PostgreSQL's pool
        already reads alongside writes. For big read-only views (leaderboards, the JSON API); a service
        that reads to decide a write uses `scoped`, inside its transaction.
        """
        if not isinstance(scope, Scope):
            raise TypeError("store.reading() needs a Scope")
        reader = self._reader
        if reader is None:
            async with self._reader_opening:
                if self._closed:
                    raise DatabaseError("the database is closed: the bot is stopping")
                if self._reader is None:
                    self._reader = await self.db.open_reader() if isinstance(self.db, SqliteDatabase) else self.db
                reader = self._reader
        return ScopedData(reader, self.catalog, scope, self.clock, self)

    @property
    def api_tokens(self) -> ApiTokenRows:
        """The JSON API's bearer tokens (brand level, made from the command line)."""
        return ApiTokenRows(self.db, self.clock)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Group several scoped calls so they commit together."""
        try:
            async with self.db.transaction():
                yield
        except Exception as exc:
            note_conflict(self.db, exc)  # a config changed by another process: caches reload it
            raise

    # -- resolving a server to its brand (how scopes are built) ---------------------------------------

    async def server_link(self, server_id: str) -> Row | None:
        """Which brand a Discord server is linked to, and whether the link is active."""
        return await self.db.fetch_one(
            "SELECT server_id, brand_id, server_name, is_active, connected_at "
            "FROM discord_server_configs WHERE server_id = ?",
            [server_id],
        )

    async def active_servers(self) -> list[Row]:
        """Every connected server with its brand (for start-up and the scheduler)."""
        return await self.db.fetch_all(
            "SELECT server_id, brand_id, server_name FROM discord_server_configs "
            "WHERE is_active = ? ORDER BY server_id",
            [True],
        )

    async def servers_of_member(self, user_id: str) -> list[Row]:
        """Connected servers where this member has stats: their own data, asked for from a DM."""
        return await self.db.fetch_all(
            "SELECT c.server_id, c.brand_id, c.server_name FROM discord_user_stats s "
            "JOIN discord_server_configs c ON c.server_id = s.server_id AND c.brand_id = s.brand_id "
            "WHERE s.discord_user_id = ? AND c.is_active = ? ORDER BY c.server_name",
            [user_id, True],
        )

    # -- operator reports ----------------------------------------------------------------------------------

    async def schema_version(self) -> int | None:
        """The schema version the database is at now."""
        return await current_version(self.db)

    async def table_sizes(self) -> dict[str, int]:
        """Every table of the database with its number of rows, by name (names come from the database)."""
        return {
            name: int(await self.db.fetch_value(f"SELECT COUNT(*) FROM {name}"))
            for name in sorted(await self.db.table_names())
        }

    # -- brands (operator level: the command line, never a Discord user) ------------------------------

    async def insert_brand(self, row: dict[str, Any]) -> None:
        now = self.clock.now()
        values = {"created_at": now, "updated_at": now, **row}
        names = [n for n in BRAND_COLUMNS if n in values]
        await self.db.execute(
            f"INSERT INTO loyalteez_brands ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values[n] for n in names],
        )

    async def get_brand(self, brand_id: str) -> Row | None:
        return await self.db.fetch_one("SELECT * FROM loyalteez_brands WHERE brand_id = ?", [brand_id])

    async def get_brand_by_name(self, name: str) -> Row | None:
        return await self.db.fetch_one("SELECT * FROM loyalteez_brands WHERE name = ?", [name])

    async def list_brands(self) -> list[Row]:
        return await self.db.fetch_all(
            "SELECT b.brand_id, b.name, b.ltz_budget, b.created_at, "
            "(SELECT COUNT(*) FROM discord_server_configs s WHERE s.brand_id = b.brand_id AND s.is_active = ?)"
            " AS servers FROM loyalteez_brands b ORDER BY b.name",
            [True],
        )

    async def update_brand(self, brand_id: str, values: dict[str, Any]) -> int:
        allowed = {k: v for k, v in values.items() if k in ("key_salt", "key_hash", "ltz_budget", "name")}
        if not allowed:
            return 0
        allowed["updated_at"] = self.clock.now()
        assignments = ", ".join(f"{c} = ?" for c in allowed)
        return await self.db.execute(
            f"UPDATE loyalteez_brands SET {assignments} WHERE brand_id = ?", [*allowed.values(), brand_id]
        )

    # -- /setup connect's wrong-key throttle (operator level: the attempts proved no brand) --------------

    async def connect_attempts(self, subjects: list[tuple[str, str]]) -> list[Row]:
        """The throttle rows of these (kind, subject id) pairs: kind is 'server' or 'member'."""
        if not subjects:
            return []
        where = " OR ".join("(kind = ? AND subject_id = ?)" for _ in subjects)
        return await self.db.fetch_all(
            "SELECT kind, subject_id, failures, last_failed_at, locked_until FROM loyalteez_connect_attempts "
            f"WHERE {where}",
            [value for pair in subjects for value in pair],
        )

    async def save_connect_attempt(
        self, kind: str, subject_id: str, failures: int, last_failed_at: datetime, locked_until: datetime | None
    ) -> None:
        await self.db.execute(
            "INSERT INTO loyalteez_connect_attempts (kind, subject_id, failures, last_failed_at, locked_until) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, subject_id) DO UPDATE SET failures = excluded.failures, "
            "last_failed_at = excluded.last_failed_at, locked_until = excluded.locked_until",
            [kind, subject_id, failures, last_failed_at, locked_until],
        )

    async def forget_connect_attempts(self, failed_before: datetime) -> int:
        """Drop throttle rows whose last wrong key is older than `failed_before`."""
        return await self.db.execute("DELETE FROM loyalteez_connect_attempts WHERE last_failed_at < ?", [failed_before])


async def _open_engine(target: str, *, create: bool = True) -> Database:
    """`postgresql://...` (or `postgres://`) opens PostgreSQL; a path or `sqlite:///path` opens SQLite."""
    if target.startswith(("postgres://", "postgresql://")):
        from loyalteez.store.postgres_db import PostgresDatabase

        return await PostgresDatabase.open(target)
    if "://" in target and not target.startswith("sqlite:///"):
        scheme = target.split("://", 1)[0]
        raise DatabaseError(f"unsupported database URL scheme {scheme!r}: use postgresql://... or a SQLite path")
    path = target.removeprefix("sqlite:///") if target.startswith("sqlite:///") else target
    return await SqliteDatabase.open(path, create=create)
