"""SQLite backups with the online backup API: consistent even while the bot is writing.

A restore checks the backup (integrity and schema version) before it replaces anything, so a bad
file never overwrites a good database.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from loyalteez import private_files
from loyalteez.store.database import DatabaseError
from loyalteez.store.schema import VERSION_TABLE, latest_version


def inspect_sqlite(path: Path) -> tuple[int | None, str]:
    """(schema version, integrity_check result) of a database file, read-only."""
    if not path.is_file():
        raise DatabaseError(f"no database file at {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_version = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [VERSION_TABLE]
            ).fetchone()
            version = conn.execute(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()[0] if has_version else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a readable SQLite database: {exc}") from exc
    return version, integrity


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy a live database page by page into `target`; returns the size in bytes."""
    inspect_sqlite(source)
    if target.exists():
        raise DatabaseError(f"{target} already exists: choose a new file name")
    _copy(sqlite3.connect(source), target)
    return target.stat().st_size


def restore_sqlite(backup: Path, target: Path, keep_as: Path) -> tuple[int, Path | None]:
    """Replace `target` with a verified backup; returns the backup's schema version and where the replaced
    database was kept (None when there was none).

    The replaced database is first copied whole (its -wal included) to `keep_as`; then the backup is copied
    beside the target and moved over it, and the target's -wal/-shm are removed, since they belong to the
    replaced file and SQLite would otherwise replay them onto the restored one.
    """
    version, integrity = inspect_sqlite(backup)
    if integrity != "ok":
        raise DatabaseError(f"{backup} fails its integrity check ({integrity}); nothing was restored")
    if version is None:
        raise DatabaseError(f"{backup} is not a Loyalteez database (no schema version); nothing was restored")
    if version > latest_version():
        raise DatabaseError(f"{backup} is from a newer release (schema {version}); nothing was restored")
    kept = None
    if target.exists():
        if keep_as.exists():
            raise DatabaseError(f"{keep_as} already exists; nothing was restored")
        try:
            _copy(sqlite3.connect(target), keep_as)
        except sqlite3.DatabaseError:  # a damaged database is kept byte for byte
            keep_as.unlink(missing_ok=True)
            shutil.copyfile(target, keep_as)
        kept = keep_as
    incoming = target.with_name(target.name + ".restoring")
    incoming.unlink(missing_ok=True)
    _copy(sqlite3.connect(f"file:{backup}?mode=ro", uri=True), incoming)
    for companion in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + companion).unlink(missing_ok=True)
    incoming.replace(target)
    return version, kept


def _copy(src: sqlite3.Connection, target: Path) -> None:
    """Page-by-page copy with SQLite's backup API: consistent even while the source is written to."""
    private_files.create_file(target)  # a backup is the whole database: owner-only like it
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def prune_backups(folder: Path, keep: int, pattern: str = "loyalteez-*.db") -> list[Path]:
    """Delete all but the newest `keep` backups (names sort by time); returns what was removed."""
    backups = sorted(folder.glob(pattern))
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        path.unlink()
    return doomed
