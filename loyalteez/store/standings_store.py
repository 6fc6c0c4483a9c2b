"""SQL behind /balance, /leaderboard and /cooldowns: rankings over stats, the ledger and daily rollups.

Every ranking is one source query yielding (discord_user_id, value) for the scope, so the top page,
the caller's own rank and the number of ranked members are computed the same way. Test-mode payouts
never rank.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Row
from loyalteez.store.values import as_utc

BoardKind = Literal["ltz_earned", "activity", "claims", "voice"]
BOARD_KINDS: tuple[BoardKind, ...] = ("ltz_earned", "activity", "claims", "voice")
LEDGER = "loyalteez_reward_ledger"
STATS = "discord_user_stats"
ROLLUPS = "loyalteez_activity_daily"


class StandingsStoreMixin(ScopedTables):
    def _board_source(self, kind: BoardKind, since: datetime | None) -> tuple[str, list[Any]]:
        """SELECT discord_user_id, value for one ranking, scoped, optionally since a moment."""
        if kind in ("ltz_earned", "claims") and (since is not None or kind == "claims"):
            scope_sql, params = self.scope_filter(LEDGER)
            value = "SUM(amount)" if kind == "ltz_earned" else "COUNT(*)"
            sql = f"SELECT discord_user_id, {value} AS value FROM {LEDGER} WHERE {scope_sql} AND is_test = ?"
            params = [*params, False]
            if since is not None:
                sql += " AND created_at >= ?"
                params.append(since)
            return sql + " GROUP BY discord_user_id", params
        if since is None:
            scope_sql, params = self.scope_filter(STATS)
            value = {
                "ltz_earned": "ltz_earned",
                "activity": "messages_count + reactions_count",
                "voice": "voice_minutes",
            }[kind]
            return f"SELECT discord_user_id, {value} AS value FROM {STATS} WHERE {scope_sql}", params
        scope_sql, params = self.scope_filter(ROLLUPS)
        value = "SUM(messages + reactions)" if kind == "activity" else "SUM(voice_minutes)"
        return (
            f"SELECT discord_user_id, {value} AS value FROM {ROLLUPS} WHERE {scope_sql} AND day >= ? "
            "GROUP BY discord_user_id",
            [*params, since.date()],
        )

    async def standings_page(self, kind: BoardKind, since: datetime | None, limit: int, offset: int) -> list[Row]:
        source, params = self._board_source(kind, since)
        return await self.db.fetch_all(
            "SELECT discord_user_id, value, RANK() OVER (ORDER BY value DESC) AS position "
            f"FROM ({source}) board WHERE value > 0 ORDER BY value DESC, discord_user_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )

    async def standings_ranked(self, kind: BoardKind, since: datetime | None) -> int:
        source, params = self._board_source(kind, since)
        return int(await self.db.fetch_value(f"SELECT COUNT(*) FROM ({source}) board WHERE value > 0", params))

    async def standings_rank_of(self, kind: BoardKind, since: datetime | None, member_id: str) -> Row | None:
        """The member's (rank, value) in a ranking; ties share a rank."""
        source, params = self._board_source(kind, since)
        return await self.db.fetch_one(
            "SELECT ranked.position AS position, ranked.value AS value FROM ("
            "SELECT discord_user_id, value, RANK() OVER (ORDER BY value DESC) AS position "
            f"FROM ({source}) board WHERE value > 0) ranked WHERE ranked.discord_user_id = ?",
            [*params, member_id],
        )

    async def standings_earned_since(self, member_id: str, since: datetime) -> int:
        scope_sql, params = self.scope_filter(LEDGER)
        total = await self.db.fetch_value(
            f"SELECT COALESCE(SUM(amount), 0) FROM {LEDGER} WHERE {scope_sql} AND discord_user_id = ? "
            "AND created_at >= ? AND is_test = ?",
            [*params, member_id, since, False],
        )
        return int(total or 0)

    async def standings_claims_since(self, member_id: str, since: datetime) -> dict[str, int]:
        """Per event: the member's payouts since a moment (today's count for daily limits)."""
        scope_sql, params = self.scope_filter(LEDGER)
        rows = await self.db.fetch_all(
            f"SELECT event_type, COUNT(*) AS n FROM {LEDGER} WHERE {scope_sql} AND discord_user_id = ? "
            "AND created_at >= ? GROUP BY event_type",
            [*params, member_id, since],
        )
        return {row["event_type"]: int(row["n"]) for row in rows}

    async def standings_last_claims(self, member_id: str) -> list[Row]:
        """Per event: how many payouts the member has had and the latest one."""
        scope_sql, params = self.scope_filter(LEDGER)
        rows = await self.db.fetch_all(
            f"SELECT event_type, COUNT(*) AS claims, MAX(created_at) AS last_at FROM {LEDGER} "
            f"WHERE {scope_sql} AND discord_user_id = ? GROUP BY event_type",
            [*params, member_id],
        )
        return [{**row, "last_at": as_utc(row["last_at"])} for row in rows]

    # -- /stats: payouts since a moment ---------------------------------------------------------------------

    async def stats_totals(self, since: datetime) -> Row:
        scope_sql, params = self.scope_filter(LEDGER)
        row = await self.db.fetch_one(
            f"SELECT COUNT(*) AS payouts, COALESCE(SUM(amount), 0) AS ltz, COUNT(DISTINCT discord_user_id) AS members "
            f"FROM {LEDGER} WHERE {scope_sql} AND created_at >= ? AND is_test = ?",
            [*params, since, False],
        )
        return {k: int(v or 0) for k, v in (row or {}).items()}

    async def stats_breakdown(self, since: datetime, by: str, limit: int = 15) -> list[Row]:
        """Payouts and LTZ per event or per member since a moment, largest first."""
        column = {"events": "event_type", "users": "discord_user_id"}[by]
        scope_sql, params = self.scope_filter(LEDGER)
        return await self.db.fetch_all(
            f"SELECT {column} AS name, COUNT(*) AS payouts, SUM(amount) AS ltz FROM {LEDGER} "
            f"WHERE {scope_sql} AND created_at >= ? AND is_test = ? GROUP BY {column} "
            f"ORDER BY ltz DESC, {column} LIMIT ?",
            [*params, since, False, limit],
        )
