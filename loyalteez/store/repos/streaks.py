"""Daily check-ins and streaks: one check-in row per member and UTC day, one streak row per member.

A check-in is an INSERT … ON CONFLICT DO NOTHING on (server, brand, member, day), so two /daily at once
make one row; the streak row is written only by the check-in that got in. Every method runs inside the
caller's transaction when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos.base import Repository
from loyalteez.store.values import as_utc

STREAKS = "discord_user_streaks"
CHECKINS = "loyalteez_daily_checkins"


@dataclass(frozen=True, slots=True)
class Streak:
    """A member's recorded streak (alive or not: that depends on the server's grace period)."""

    member_id: str
    current: int
    longest: int
    last_checkin: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Streak:
        return cls(
            str(row["discord_user_id"]),
            int(row["current_streak"] or 0),
            int(row["longest_streak"] or 0),
            row["last_checkin"],
        )


@dataclass(frozen=True, slots=True)
class DailyCheckin:
    """One /daily: the UTC day it counted for and the streak it made."""

    member_id: str
    day: date
    streak: int
    is_test: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> DailyCheckin:
        return cls(str(row["discord_user_id"]), row["checkin_day"], int(row["streak"]), bool(row["is_test"]))


class StreaksRepository(Repository):
    """Daily check-ins and streaks of one server."""

    async def of(self, member_id: str) -> Streak | None:
        row = await self._tables.get(STREAKS, {"discord_user_id": member_id})
        return Streak.from_row(row) if row else None

    async def check_in(
        self,
        member_id: str,
        day: date,
        streak: int,
        longest: int,
        at: datetime,
        interaction_id: str,
        is_test: bool,
    ) -> bool:
        """Record today's check-in and the streak it made; False (nothing written) if already checked in.

        Two statements, one round trip: the streak row is written only if the check-in row is this
        interaction's, and that write's count is the answer."""
        await self._tables.insert(
            CHECKINS,
            {
                "discord_user_id": member_id,
                "checkin_day": day,
                "streak": streak,
                "interaction_id": interaction_id,
                "is_test": is_test,
                "created_at": at,
            },
            ignore_conflict=True,
            queued=True,
        )
        brand, server = self.scope.brand_id, self.scope.server_id
        written = await self._db.execute(
            f"INSERT INTO {STREAKS} (brand_id, server_id, discord_user_id, current_streak, longest_streak, "
            f"last_checkin) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM {CHECKINS} WHERE server_id = ? "
            "AND brand_id = ? AND discord_user_id = ? AND checkin_day = ? AND interaction_id = ?) "
            "ON CONFLICT (server_id, discord_user_id) DO UPDATE SET current_streak = excluded.current_streak, "
            "longest_streak = excluded.longest_streak, last_checkin = excluded.last_checkin",
            [brand, server, member_id, streak, longest, at, server, brand, member_id, day, interaction_id],
        )
        return written > 0

    async def at_least(self, min_streak: int) -> list[Streak]:
        """Members whose recorded streak is at least `min_streak` (alive or not): the multiplier cache."""
        scope_sql, params = self._tables.scope_filter(STREAKS)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, current_streak, longest_streak, last_checkin FROM {STREAKS} "
            f"WHERE {scope_sql} AND current_streak >= ?",
            [*params, min_streak],
        )
        return [Streak.from_row(r) for r in rows]

    async def as_of(self, member_id: str, moment: datetime) -> tuple[int, datetime] | None:
        """(streak, when) of the member's last check-in at or before `moment`, test-mode ones included."""
        scope_sql, params = self._tables.scope_filter(CHECKINS)
        row = await self._db.fetch_one(
            f"SELECT streak, created_at FROM {CHECKINS} WHERE {scope_sql} AND discord_user_id = ? "
            "AND created_at <= ? ORDER BY created_at DESC LIMIT 1",
            [*params, member_id, moment],
        )
        if row is None:
            return None
        at = as_utc(row["created_at"])
        return None if at is None else (int(row["streak"]), at)

    async def top(self, alive_since: datetime, limit: int) -> list[Streak]:
        """The longest streaks still alive (last check-in at or after `alive_since`), longest first."""
        scope_sql, params = self._tables.scope_filter(STREAKS)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, current_streak, longest_streak, last_checkin FROM {STREAKS} "
            f"WHERE {scope_sql} AND current_streak > 0 AND last_checkin >= ? "
            "ORDER BY current_streak DESC, longest_streak DESC, discord_user_id LIMIT ?",
            [*params, alive_since, limit],
        )
        return [Streak.from_row(r) for r in rows]

    async def everyone(self) -> list[Streak]:
        """Every recorded streak of the server (the demo's summary)."""
        return [Streak.from_row(r) for r in await self._tables.select(STREAKS)]

    async def checkin_count(self, member_id: str) -> int:
        return await self._tables.count(CHECKINS, {"discord_user_id": member_id})

    async def checkins(self) -> list[DailyCheckin]:
        """Every check-in of the server, oldest day first (the demo's summary)."""
        rows = await self._tables.select(CHECKINS, order_by=["checkin_day", "discord_user_id"])
        return [DailyCheckin.from_row(r) for r in rows]
