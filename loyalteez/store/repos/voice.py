"""Voice sessions and each member's voice progress (counted seconds, minutes paid by /voice claim).

Counters move with INSERT … ON CONFLICT DO UPDATE … RETURNING increments, so concurrent closes and claims
never lose an update. Every method runs inside the caller's transaction when there is one. Portable
SQLite 3.35+ / PostgreSQL 15 (RETURNING on upserts works on both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store.repos.base import Repository

SESSIONS = "loyalteez_voice_sessions"
PROGRESS = "loyalteez_voice_progress"


@dataclass(frozen=True, slots=True)
class Session:
    """One stay in voice: seconds settled up to `accrued_at`, and whether the time since then counts."""

    session_id: str
    member_id: str
    channel_id: str | None
    started_at: datetime
    last_seen_at: datetime
    accrued_at: datetime
    counting: bool
    counted_seconds: int
    ended_at: datetime | None
    minutes: int | None  # credited to the member's stats when it ended

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Session:
        return cls(
            str(row["session_id"]),
            str(row["discord_user_id"]),
            row["channel_id"],
            row["started_at"],
            row["last_seen_at"],
            row["accrued_at"],
            bool(row["counting"]),
            int(row["counted_seconds"]),
            row["ended_at"],
            None if row["minutes"] is None else int(row["minutes"]),
        )


@dataclass(frozen=True, slots=True)
class Progress:
    """A member's counted seconds of closed sessions, and the minutes /voice claim has paid."""

    counted_seconds: int
    claimed_minutes: int


class VoiceRepository(Repository):
    """Voice sessions and voice reward progress of one server."""

    async def open_sessions(self) -> list[Session]:
        return [Session.from_row(r) for r in await self._tables.select(SESSIONS, {"ended_at": None})]

    async def open_session_of(self, member_id: str) -> Session | None:
        row = await self._tables.get(SESSIONS, {"ended_at": None, "discord_user_id": member_id})
        return Session.from_row(row) if row else None

    async def sessions(self) -> list[Session]:
        """Every session of the server, open or closed, oldest first (the demo's summary)."""
        rows = await self._tables.select(SESSIONS, order_by=["started_at", "discord_user_id"])
        return [Session.from_row(r) for r in rows]

    async def start(self, session_id: str, member_id: str, channel_id: str, at: datetime, counting: bool) -> None:
        """Open a member's session now (nothing counted yet)."""
        await self._tables.insert(
            SESSIONS,
            {
                "session_id": session_id,
                "discord_user_id": member_id,
                "channel_id": channel_id,
                "started_at": at,
                "last_seen_at": at,
                "accrued_at": at,
                "counting": counting,
                "counted_seconds": 0,
            },
        )

    async def settle(
        self, session_id: str, counted_seconds: int, at: datetime, counting: bool, channel_id: str | None
    ) -> None:
        """Seconds counted up to `at` (seen live then); from now on the time counts or not, in `channel_id`."""
        await self._tables.update(
            SESSIONS,
            {"session_id": session_id},
            {
                "counted_seconds": counted_seconds,
                "accrued_at": at,
                "counting": counting,
                "channel_id": channel_id,
                "last_seen_at": at,
            },
        )

    async def end(
        self, session_id: str, counted_seconds: int, accrued_at: datetime, ended_at: datetime, minutes: int
    ) -> None:
        """Close a session with its final seconds and the whole minutes it credited."""
        await self._tables.update(
            SESSIONS,
            {"session_id": session_id},
            {
                "counted_seconds": counted_seconds,
                "accrued_at": accrued_at,
                "counting": False,
                "ended_at": ended_at,
                "minutes": minutes,
            },
        )

    async def heartbeat(self, at: datetime) -> int:
        """Stamp every open session as live now; returns how many."""
        return await self._tables.update(SESSIONS, {"ended_at": None}, {"last_seen_at": at})

    async def progress_of(self, member_id: str) -> Progress | None:
        row = await self._tables.get(PROGRESS, {"discord_user_id": member_id})
        return Progress(int(row["counted_seconds"]), int(row["claimed_minutes"])) if row else None

    async def add_seconds(self, member_id: str, seconds: int) -> int:
        """Add counted seconds to a member's total; returns the new total."""
        return await self._increment(member_id, "counted_seconds", seconds)

    async def add_claimed(self, member_id: str, minutes: int) -> int:
        """Add minutes paid by /voice claim; returns the new total."""
        return await self._increment(member_id, "claimed_minutes", minutes)

    async def _increment(self, member_id: str, column: str, amount: int) -> int:
        assert column in ("counted_seconds", "claimed_minutes")
        now = self._clock.now()
        value = await self._db.fetch_value(
            f"INSERT INTO {PROGRESS} (brand_id, server_id, discord_user_id, {column}, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (server_id, brand_id, discord_user_id) DO UPDATE SET "
            f"{column} = {PROGRESS}.{column} + excluded.{column}, updated_at = excluded.updated_at "
            f"RETURNING {column}",
            [self.scope.brand_id, self.scope.server_id, member_id, amount, now, now],
        )
        return int(value)
