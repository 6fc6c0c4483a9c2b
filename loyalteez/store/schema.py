"""Create a fresh database from schema.sql, upgrade an older one in place, refuse a newer one.

Migrations are numbered files in `migrations/` (0001 is the frozen first release). A fresh database
gets schema.sql directly; an old one gets every migration after its version, in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from loyalteez.store.database import Database, DatabaseError

# loyalteez/data/schema.sql links to the repository's schema.sql and is a real copy once installed
# (`pip install .`), so the bot finds it wherever it runs from; supabase/ sits beside it the same way.
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "data" / "schema.sql"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "loyalteez_schema_version"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaVersionError(DatabaseError):
    """The database was written by a newer release of the bot than this one."""


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def migrations() -> list[Migration]:
    """Every migration file in version order; gaps or duplicates are a packaging bug."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise DatabaseError(f"badly named migration file {path.name} (want NNNN_name.sql)")
        found.append(Migration(int(match.group(1)), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise DatabaseError(f"migration versions must be 1..N without gaps, found {versions}")
    return found


def latest_version() -> int:
    return migrations()[-1].version


def schema_sql() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


async def current_version(db: Database) -> int | None:
    """The version a database is at; None for an empty database."""
    tables = await db.table_names()
    if VERSION_TABLE not in tables:
        if any(t.startswith("discord_") or t == "monitoring_rules" for t in tables):
            raise DatabaseError("this database has bot tables but no schema version: it was not made by this bot")
        return None
    version = await db.fetch_value(f"SELECT MAX(version) FROM {VERSION_TABLE}")
    return int(version) if version is not None else None


SecureTable = Callable[[str], Awaitable[None]]


async def _table_guard(db: Database) -> SecureTable | None:
    """On PostgreSQL, what secures a table an upgrade creates (RLS at once; policies when installed)."""
    if db.dialect != "postgresql":
        return None
    from loyalteez.store import policies  # PostgreSQL only; it reads this module's schema file

    with_policies = await policies.installed(db)

    async def secure(table: str) -> None:
        await policies.secure_new_table(db, table, with_policies=with_policies)

    return secure


async def apply_migration(db: Database, migration: Migration, secure: SecureTable | None) -> None:
    """One migration; on PostgreSQL every table it creates is secured in the same transaction."""
    before = set(await db.table_names())
    await db.executescript(migration.sql())
    if secure is not None:
        for table in sorted(set(await db.table_names()) - before):
            await secure(table)


async def ensure_schema(db: Database) -> tuple[int | None, int]:
    """Bring the database to the latest version; returns (version found, version now)."""
    target = latest_version()
    found = await current_version(db)
    if found is None:
        await db.executescript(schema_sql())
    elif found > target:
        raise SchemaVersionError(
            f"the database is at schema version {found}, but this bot only knows up to {target}: "
            "it was written by a newer release. Upgrade the bot (git pull) or point LOYALTEEZ_DB / "
            "LOYALTEEZ_DATABASE_URL at another database."
        )
    elif found < target:
        async with db.transaction():
            secure = await _table_guard(db)
            for migration in migrations()[found:]:
                await apply_migration(db, migration, secure)
    now = await current_version(db)
    if now != target:
        raise DatabaseError(f"schema.sql creates version {now}, but the newest migration is {target}")
    return found, target
