"""The optional daily backup (LOYALTEEZ_BACKUP_KEEP=N): one SQLite online backup a day, the newest N kept.

A job of the analytics scheduler (services/analytics/scheduler.py, registered in app.py). Like its other
jobs it works from what is missing, not from how often it fired: it skips a day that already has a backup,
so the scheduler's catch-up run at every start-up does not pile up copies (nor push out older days). The
copy itself is store/backup.py's page-by-page backup, safe while the bot writes, run in a worker thread so
the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

from loyalteez.store.backup import backup_sqlite, prune_backups

log = logging.getLogger("loyalteez.backup")
KEEP_MAX = 365


class BackupJob:
    CRON = "30 3 * * *"  # 03:30 UTC: after the analytics snapshots (00:00) and reports (00:05)

    def __init__(self, database: Path, folder: Path, keep: int) -> None:
        if not 0 <= keep <= KEEP_MAX:
            raise ValueError(f"the number of backups kept must be from 0 to {KEEP_MAX}")
        self.database, self.folder, self.keep = database, folder, keep

    async def run(self, now: datetime) -> Path | None:
        """Back up once per UTC day; returns the new file, or None when off or already done today."""
        if self.keep == 0 or any(self.folder.glob(f"loyalteez-{now:%Y%m%d}-*.db")):
            return None
        target = self.folder / f"loyalteez-{now:%Y%m%d-%H%M%S}.db"
        size = await asyncio.to_thread(backup_sqlite, self.database, target)
        removed = prune_backups(self.folder, self.keep)
        log.info(
            "daily backup %s (%s bytes); %d old backup(s) removed, %d kept",
            target,
            f"{size:,}",
            len(removed),
            self.keep,
        )
        return target

    run_due = run  # the name other schedulers call (scheduler.py: Job.run, ticker.py: a job(now))
