"""Member segments: counts and pages of members by activity, as of a moment.

Each segment is one grouped query over the member table, the lifetime stats or the last seven days of
rollups. Segment names are analytics' fixed list, never user text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.store.repos.analytics_kpis import DAILY, MEMBERS, STATS, _day, _int
from loyalteez.store.repos.base import Repository
from loyalteez.store.values import as_utc


@dataclass(frozen=True, slots=True)
class SegmentMember:
    """A member of a segment and the value it is ordered by: LTZ, days, sessions, a moment or a day."""

    member_id: str
    value: Any


class SegmentsRepository(Repository):
    """Member segments of one server."""

    def _source(self, segment: str, today: date, now: datetime) -> tuple[str, list[Any]]:
        """SELECT discord_user_id, value for one segment."""
        week_start, month_ago = today - timedelta(days=6), today - timedelta(days=30)
        if segment in ("power_users", "voice_regulars"):
            scope_sql, params = self._tables.scope_filter(DAILY)
            value, having = (
                ("COUNT(*)", "COUNT(*) >= 5")
                if segment == "power_users"
                else ("SUM(voice_sessions)", "SUM(voice_sessions) >= 5")
            )
            return (
                f"SELECT discord_user_id, {value} AS value FROM {DAILY} WHERE {scope_sql} AND day >= ? "
                f"AND day <= ? GROUP BY discord_user_id HAVING {having}",
                [*params, week_start, today],
            )
        scope_sql, params = self._tables.scope_filter(MEMBERS)
        if segment == "whales":
            # The top tenth of earners (rounded up), read in the LTZ rank index's order: the count of
            # earners is an index range too, so neither part sorts or numbers every member.
            stats_sql, params = self._tables.scope_filter(STATS)
            return (
                f"SELECT discord_user_id, ltz_earned AS value FROM {STATS} WHERE {stats_sql} AND ltz_earned > 0 "
                "ORDER BY ltz_earned DESC, discord_user_id "
                f"LIMIT (SELECT (COUNT(*) + 9) / 10 FROM {STATS} WHERE {stats_sql} AND ltz_earned > 0)",
                [*params, *params],
            )
        if segment == "new":
            return (
                f"SELECT discord_user_id, entered_at AS value FROM {MEMBERS} WHERE {scope_sql} AND entered_at > ?",
                [*params, now - timedelta(days=7)],
            )
        if segment == "at_risk":
            return (
                f"SELECT discord_user_id, last_active_on AS value FROM {MEMBERS} WHERE {scope_sql} "
                "AND last_active_on <= ? AND last_active_on > ?",
                [*params, today - timedelta(days=7), month_ago],
            )
        if segment == "dormant":
            # Never active: a member who joined and did nothing is dormant once their new-member week is over.
            return (
                f"SELECT discord_user_id, last_active_on AS value FROM {MEMBERS} WHERE {scope_sql} "
                "AND (last_active_on <= ? OR (last_active_on IS NULL AND entered_at <= ?))",
                [*params, month_ago, now - timedelta(days=7)],
            )
        raise ValueError(f"unknown segment {segment!r}")

    async def count(self, segment: str, today: date, now: datetime) -> int:
        source, params = self._source(segment, today, now)
        return _int(await self._db.fetch_value(f"SELECT COUNT(*) FROM ({source}) segment", params))

    async def page(self, segment: str, today: date, now: datetime, limit: int, offset: int) -> list[SegmentMember]:
        """One page of a segment, largest value (or most recent date) first."""
        return (await self.slice(segment, today, now, limit, offset))[1]

    async def slice(
        self, segment: str, today: date, now: datetime, limit: int, offset: int
    ) -> tuple[int | None, list[SegmentMember]]:
        """The segment's size and one page of it in one pass over its members (counting and paging would
        each read them all). The size is None when the page is past the end (then no row carries it)."""
        source, params = self._source(segment, today, now)
        # A CTE used twice is read once (materialized), and the page stays a top-N sort, not a full one.
        rows = await self._db.fetch_all(
            f"WITH segment AS ({source}) SELECT discord_user_id, value, (SELECT COUNT(*) FROM segment) AS total "
            "FROM segment ORDER BY CASE WHEN value IS NULL THEN 1 ELSE 0 END, value DESC, discord_user_id "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        convert: Any = as_utc if segment == "new" else _day if segment in ("at_risk", "dormant") else _int
        total = _int(rows[0]["total"]) if rows else None
        return total, [SegmentMember(r["discord_user_id"], convert(r["value"])) for r in rows]
