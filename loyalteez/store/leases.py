"""Leases: which of several processes on one database holds a single-holder role (the scheduler) until when.

One row per role. Taking and renewing are one statement: the row is written only when it is free, expired,
or already this holder's, so two processes racing for an expired lease cannot both win (SQLite runs one
writer at a time; PostgreSQL's ON CONFLICT takes the row lock and re-checks the WHERE on the latest row).
Times come from the processes' clocks: hosts sharing a database should keep them in sync (NTP), and a
lease is long against their drift.
"""

from __future__ import annotations

from datetime import datetime

from loyalteez.store.database import Database, Row

LEASES = "loyalteez_leases"


class Leases:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew `name` for `holder` until `until`; False while another holder's lease runs."""
        written = await self._db.execute(
            f"INSERT INTO {LEASES} (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?) "
            f"ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, "
            f"acquired_at = CASE WHEN {LEASES}.holder = excluded.holder THEN {LEASES}.acquired_at "
            f"ELSE excluded.acquired_at END "
            f"WHERE {LEASES}.holder = excluded.holder OR {LEASES}.expires_at <= ?",
            [name, holder, now, until, now],
        )
        return written > 0

    async def release(self, name: str, holder: str) -> None:
        """Let go at once (a clean stop), so another process need not wait for the expiry."""
        await self._db.execute(f"DELETE FROM {LEASES} WHERE name = ? AND holder = ?", [name, holder])

    async def get(self, name: str) -> Row | None:
        return await self._db.fetch_one(
            f"SELECT name, holder, acquired_at, expires_at FROM {LEASES} WHERE name = ?", [name]
        )
