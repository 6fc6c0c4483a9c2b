"""`python bot.py restore FILE`: put a verified backup in place of the database, never under a running bot.

The bot's instance lock is taken first, so a restore while the bot serves the database is refused (the
bot would go on serving the data it holds and overwrite the restore). The replaced database is kept next
to it, with the time in its name, and its path printed, so a restore can itself be undone. Its name does
not match the daily backups' `loyalteez-*.db`, so pruning them never removes it.
"""

from __future__ import annotations

from pathlib import Path

from loyalteez.cli_commands import texts
from loyalteez.clock import SystemClock
from loyalteez.store.backup import restore_sqlite
from loyalteez.store.instance_lock import FileLock
from loyalteez.store.sqlite_db import check_path


def run(backup: Path, database: Path) -> int:
    check_path(database, create=True)
    lock = FileLock.take(database, "bot.py restore")
    try:
        stamp = SystemClock().now().strftime("%Y%m%d-%H%M%S")
        keep_as = database.with_name(f"{database.stem}.before-restore-{stamp}{database.suffix or '.db'}")
        version, kept = restore_sqlite(backup, database, keep_as)
    finally:
        lock.release_now()
    print(texts.restored(str(database), str(backup), version, str(kept) if kept else None))
    return 0
