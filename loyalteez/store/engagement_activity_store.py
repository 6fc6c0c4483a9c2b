"""SQL for daily check-ins, streaks, voice sessions and boosts, as a ServerStore mixin (scoped like the rest).

Writes that must not race are single statements: a check-in is an INSERT … ON CONFLICT DO NOTHING on
(server, brand, member, day), so two /daily at once make one row; voice counters move with
INSERT … ON CONFLICT DO UPDATE … RETURNING increments. Every method runs inside the caller's transaction
when there is one. Portable SQLite 3.35+ / PostgreSQL 15 (RETURNING on upserts works on both).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Row

STREAKS = "discord_user_streaks"
CHECKINS = "loyalteez_daily_checkins"
SESSIONS = "loyalteez_voice_sessions"
PROGRESS = "loyalteez_voice_progress"
BOOSTS = "loyalteez_boosts"


class EngagementActivityStoreMixin(ScopedTables):
    # -- daily check-ins and streaks ------------------------------------------------------------------

    async def streak_of(self, member_id: str) -> Row | None:
        return await self.get(STREAKS, {"discord_user_id": member_id})

    async def streak_checkin(
        self,
        member_id: str,
        day: date,
        streak: int,
        longest: int,
        at: datetime,
        interaction_id: str,
        is_test: bool,
    ) -> bool:
        """Record today's check-in and the streak it made; False (nothing written) if already checked in."""
        added = await self.insert(
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
        )
        if added:
            await self.upsert(
                STREAKS,
                {"discord_user_id": member_id, "current_streak": streak, "longest_streak": longest, "last_checkin": at},
                key=("server_id", "discord_user_id"),
            )
        return added

    async def streak_rows(self, min_streak: int) -> list[Row]:
        """Members whose recorded streak is at least `min_streak` (alive or not): the multiplier cache."""
        scope_sql, params = self.scope_filter(STREAKS)
        return await self.db.fetch_all(
            f"SELECT discord_user_id, current_streak, last_checkin FROM {STREAKS} "
            f"WHERE {scope_sql} AND current_streak >= ?",
            [*params, min_streak],
        )

    async def streak_top(self, alive_since: datetime, limit: int) -> list[Row]:
        """The longest streaks still alive (last check-in at or after `alive_since`), longest first."""
        scope_sql, params = self.scope_filter(STREAKS)
        return await self.db.fetch_all(
            f"SELECT discord_user_id, current_streak, longest_streak FROM {STREAKS} "
            f"WHERE {scope_sql} AND current_streak > 0 AND last_checkin >= ? "
            "ORDER BY current_streak DESC, longest_streak DESC, discord_user_id LIMIT ?",
            [*params, alive_since, limit],
        )

    async def streak_checkin_count(self, member_id: str) -> int:
        return await self.count(CHECKINS, {"discord_user_id": member_id})

    # -- voice sessions ---------------------------------------------------------------------------------

    async def voice_open_sessions(self) -> list[Row]:
        return await self.select(SESSIONS, {"ended_at": None})

    async def voice_start_session(self, row: Mapping[str, Any]) -> None:
        await self.insert(SESSIONS, row)

    async def voice_update_session(self, session_id: str, values: Mapping[str, Any]) -> None:
        await self.update(SESSIONS, {"session_id": session_id}, values)

    async def voice_heartbeat(self, at: datetime) -> int:
        """Stamp every open session as live now; returns how many."""
        return await self.update(SESSIONS, {"ended_at": None}, {"last_seen_at": at})

    async def voice_progress_of(self, member_id: str) -> Row | None:
        return await self.get(PROGRESS, {"discord_user_id": member_id})

    async def voice_add_seconds(self, member_id: str, seconds: int) -> int:
        """Add counted seconds to a member's total; returns the new total."""
        return await self._voice_increment(member_id, "counted_seconds", seconds)

    async def voice_add_claimed(self, member_id: str, minutes: int) -> int:
        """Add minutes paid by /voice claim; returns the new total."""
        return await self._voice_increment(member_id, "claimed_minutes", minutes)

    async def _voice_increment(self, member_id: str, column: str, amount: int) -> int:
        assert column in ("counted_seconds", "claimed_minutes")
        now = self.clock.now()
        value = await self.db.fetch_value(
            f"INSERT INTO {PROGRESS} (brand_id, server_id, discord_user_id, {column}, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (server_id, brand_id, discord_user_id) DO UPDATE SET "
            f"{column} = {PROGRESS}.{column} + excluded.{column}, updated_at = excluded.updated_at "
            f"RETURNING {column}",
            [self.scope.brand_id, self.scope.server_id, member_id, amount, now, now],
        )
        return int(value)

    # -- boosts -------------------------------------------------------------------------------------------

    async def boost_record(self, event_id: str, member_id: str, boosts: int, tier: int, is_test: bool) -> bool:
        """Remember a boost message; False if it was seen before (a redelivery)."""
        return await self.insert(
            BOOSTS,
            {"event_id": event_id, "discord_user_id": member_id, "boosts": boosts, "tier": tier, "is_test": is_test},
            ignore_conflict=True,
        )

    async def boost_events_of(self, member_id: str) -> list[str]:
        return [r["event_id"] for r in await self.select(BOOSTS, {"discord_user_id": member_id})]
