"""Files and folders the bot makes are its owner's alone (0600 files, 0700 folders), whatever the umask.

The database, its WAL and shared-memory files, backups and exports hold every member's activity and the
brands' key hashes; a shared host's other users must not read them. SQLite gives the WAL and SHM files the
database file's own mode, so making the database file owner-only covers them too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents, each owner-only; existing folders are left as they are."""
    missing = []
    current = Path(folder)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made meanwhile by someone else: theirs, not ours to change
            continue
        os.chmod(path, DIR_MODE)  # mkdir's mode passes through the umask; this does not


def create_file(path: Path) -> None:
    """Create an empty owner-only file (and its folders) unless it exists: before SQLite opens it."""
    make_dirs(Path(path).parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def open_for_writing(path: Path) -> BinaryIO:
    """Open a file to (over)write, owner-only even when it existed with a wider mode (an export)."""
    make_dirs(Path(path).parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "wb")


def write_bytes(path: Path, data: bytes) -> None:
    with open_for_writing(path) as out:
        out.write(data)


def exposed_to_others(path: Path) -> bool:
    """True when group or others may read or write the file (a .env holding the bot token)."""
    try:
        return bool(Path(path).stat().st_mode & 0o077)
    except OSError:
        return False
