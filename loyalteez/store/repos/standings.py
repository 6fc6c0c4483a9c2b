"""Where members stand: rankings over stats, the ledger and daily rollups, and payouts since a moment.

All-time rankings read the running totals of discord_user_stats through their rank indexes: the top
page in index order, a rank as the count of entries above (so neither grows with the server). Rankings
since a moment group the window: real ledger rows for LTZ and payouts, the daily rollups for activity
and voice. Test-mode payouts never rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from loyalteez.store.database import Row
from loyalteez.store.repos.base import Repository
from loyalteez.store.repos.ledger_members import MEMBER_SCOPE, member_scope, member_source, per_half
from loyalteez.store.values import as_utc

BoardKind = Literal["ltz_earned", "activity", "claims", "voice"]
BOARD_KINDS: tuple[BoardKind, ...] = ("ltz_earned", "activity", "claims", "voice")
LEDGER = "loyalteez_reward_ledger"
STATS = "discord_user_stats"
ROLLUPS = "loyalteez_activity_daily"
BREAKDOWNS = {"events": "event_type", "users": "discord_user_id"}
_WINDOW_END = datetime(9999, 12, 31, tzinfo=UTC)  # after any payout: closes a window's range
# All-time values per member, as the rank indexes of discord_user_stats hold them ({p}: a table alias).
_STATS_VALUES: dict[BoardKind, str] = {
    "ltz_earned": "{p}ltz_earned",
    "activity": "{p}messages_count + {p}reactions_count",
    "voice": "{p}voice_minutes",
    "claims": "{p}claims",
}


@dataclass(frozen=True, slots=True)
class Ranked:
    """One member's place in a ranking; ties share a position."""

    member_id: str
    value: int
    position: int


@dataclass(frozen=True, slots=True)
class Standing:
    """A slice of one ranking: how many members rank (value above zero), one page, a member's own place."""

    ranked: int
    rows: list[Ranked]
    own: Ranked | None


@dataclass(frozen=True, slots=True)
class Holdings:
    """What a member has earned and spent on this server, all time."""

    earned: int
    spent: int


@dataclass(frozen=True, slots=True)
class MemberStats:
    """One member's running totals on this server."""

    member_id: str
    messages: int
    reactions: int
    voice_minutes: int
    ltz_earned: int
    ltz_spent: int


@dataclass(frozen=True, slots=True)
class EventClaims:
    """How many payouts of one event a member has had and when the latest was."""

    event_type: str
    claims: int
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class PayoutTotals:
    payouts: int
    ltz: int
    members: int


@dataclass(frozen=True, slots=True)
class PayoutGroup:
    """Payouts and LTZ of one event or one member."""

    name: str
    payouts: int
    ltz: int


class StandingsRepository(Repository):
    """Rankings and payout totals of one server."""

    def _window_source(self, kind: BoardKind, since: datetime) -> tuple[str, list[Any]]:
        """SELECT discord_user_id, value of a ranking since a moment, grouped per member.

        LTZ and payouts from real ledger rows (the partial window index holds exactly those, so the
        is_test test is a literal the planner can match); activity and voice from the daily rollups. The
        window is closed at _WINDOW_END: without range statistics SQLite takes an open range to keep a
        quarter of the rows and would rather walk the member index for its order than the window index.
        """
        if kind in ("ltz_earned", "claims"):
            scope_sql, params = self._tables.scope_filter(LEDGER)
            value = "SUM(amount)" if kind == "ltz_earned" else "COUNT(*)"
            return (
                f"SELECT discord_user_id, {value} AS value FROM {LEDGER} WHERE {scope_sql} AND is_test = FALSE "
                f"AND created_at >= ? AND created_at < ? GROUP BY discord_user_id HAVING {value} > 0",
                [*params, since, _WINDOW_END],
            )
        scope_sql, params = self._tables.scope_filter(ROLLUPS)
        value = "SUM(messages + reactions)" if kind == "activity" else "SUM(voice_minutes)"
        return (
            f"SELECT discord_user_id, {value} AS value FROM {ROLLUPS} WHERE {scope_sql} AND day >= ? "
            f"GROUP BY discord_user_id HAVING {value} > 0",
            [*params, since.date()],
        )

    async def board(
        self, kind: BoardKind, since: datetime | None, limit: int, offset: int, member_id: str | None = None
    ) -> Standing:
        """One page of a ranking, how many members rank, and the member's own place: one statement.

        All-time rankings are read in index order (value DESC, member) and every count is an index range,
        so nothing grows with the server; a window is grouped once (a CTE used three times). A position is
        one more than the members with a larger value, so ties share it.
        """
        parts: list[Row]
        if since is None:
            value, mine, theirs = (_STATS_VALUES[kind].format(p=p) for p in ("", "s.", "o."))
            scope_sql, params = self._tables.scope_filter(STATS)
            own_sql, _ = self._tables.scope_filter(STATS, "s")
            other_sql, _ = self._tables.scope_filter(STATS, "o")
            parts = await self._db.fetch_all(
                f"WITH page AS (SELECT discord_user_id, {value} AS value FROM {STATS} WHERE {scope_sql} "
                f"AND {value} > 0 ORDER BY {value} DESC, discord_user_id LIMIT ? OFFSET ?) "
                f"SELECT 'page' AS part, discord_user_id, value, (SELECT COUNT(*) FROM {STATS} WHERE {scope_sql} "
                f"AND {value} > (SELECT MAX(value) FROM page)) AS n FROM page "
                f"UNION ALL SELECT 'own', s.discord_user_id, {mine}, (SELECT COUNT(*) FROM {STATS} o "
                f"WHERE {other_sql} AND {theirs} > {mine}) FROM {STATS} s WHERE {own_sql} "
                f"AND s.discord_user_id = ? AND {mine} > 0 "
                "UNION ALL SELECT 'ranked', NULL, NULL, "
                f"(SELECT COUNT(*) FROM {STATS} WHERE {scope_sql} AND {value} > 0)",
                [*params, limit, offset, *params, *params, *params, member_id, *params],
            )
        else:
            source, params = self._window_source(kind, since)
            parts = await self._db.fetch_all(
                f"WITH board AS ({source}), page AS (SELECT discord_user_id, value FROM board WHERE value > 0 "
                "ORDER BY value DESC, discord_user_id LIMIT ? OFFSET ?) "
                "SELECT 'page' AS part, discord_user_id, value, (SELECT COUNT(*) FROM board "
                "WHERE value > (SELECT MAX(value) FROM page)) AS n FROM page "
                "UNION ALL SELECT 'own', discord_user_id, value, (SELECT COUNT(*) FROM board other "
                "WHERE other.value > board.value) FROM board WHERE discord_user_id = ? AND value > 0 "
                "UNION ALL SELECT 'ranked', NULL, NULL, (SELECT COUNT(*) FROM board WHERE value > 0)",
                [*params, limit, offset, member_id],
            )
        page = sorted((r for r in parts if r["part"] == "page"), key=lambda r: (-int(r["value"]), r["discord_user_id"]))
        rows: list[Ranked] = []
        for n, r in enumerate(page):
            value_now = int(r["value"])
            if not rows:
                position = int(r["n"]) + 1
            elif value_now == rows[-1].value:
                position = rows[-1].position
            else:
                position = offset + n + 1
            rows.append(Ranked(str(r["discord_user_id"]), value_now, position))
        own = next(
            (Ranked(str(member_id), int(r["value"]), int(r["n"]) + 1) for r in parts if r["part"] == "own"), None
        )
        ranked = next((int(r["n"]) for r in parts if r["part"] == "ranked"), 0)
        return Standing(ranked, rows, own)

    async def ranking(self, kind: BoardKind, since: datetime | None) -> list[tuple[str, int]]:
        """A whole ranking, (member, value) best first (None: all time, in rank-index order): one read for
        every page of a big board."""
        if since is None:
            value = _STATS_VALUES[kind].format(p="")
            scope_sql, params = self._tables.scope_filter(STATS)
            source = f"SELECT discord_user_id, {value} AS value FROM {STATS} WHERE {scope_sql} AND {value} > 0"
        else:
            source, params = self._window_source(kind, since)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, value FROM ({source}) board WHERE value > 0 ORDER BY value DESC, discord_user_id",
            params,
        )
        return [(str(r["discord_user_id"]), int(r["value"])) for r in rows]

    async def page(self, kind: BoardKind, since: datetime | None, limit: int, offset: int) -> list[Ranked]:
        return (await self.board(kind, since, limit, offset)).rows

    async def ranked(self, kind: BoardKind, since: datetime | None) -> int:
        """Members with a value above zero in a ranking."""
        return (await self.board(kind, since, 0, 0)).ranked

    async def holdings(self, member_id: str) -> Holdings:
        """Earned and spent, from the member's stats (zero for a member without any)."""
        row = await self._tables.get(STATS, {"discord_user_id": member_id})
        return Holdings(int(row["ltz_earned"]), int(row["ltz_spent"])) if row else Holdings(0, 0)

    async def members(self) -> int:
        """Members with stats on this server."""
        return await self._tables.count(STATS)

    async def member_stats(self) -> list[MemberStats]:
        """Every member's running totals, in no particular order."""
        return [_member_stats(r) for r in await self._tables.select(STATS)]

    async def member_stats_of(self, member_id: str) -> MemberStats:
        """One member's running totals (all zero before their first counted activity)."""
        row = await self._tables.get(STATS, {"discord_user_id": member_id})
        return _member_stats(row) if row else MemberStats(member_id, 0, 0, 0, 0, 0)

    async def paid_by_event(self) -> dict[str, int]:
        """LTZ paid per event, ever, test-mode payouts included."""
        scope_sql, params = self._tables.scope_filter(LEDGER)
        rows = await self._db.fetch_all(
            f"SELECT event_type, SUM(amount) AS ltz FROM {LEDGER} WHERE {scope_sql} GROUP BY event_type", params
        )
        return {str(r["event_type"]): int(r["ltz"] or 0) for r in rows}

    async def earned_since(self, member_id: str, since: datetime) -> int:
        """The member's real payouts since a moment, from their own rows of the member index (MEMBER_SCOPE:
        SQLite without statistics would otherwise walk the whole server's payouts of the day, 20 ms a
        /balance or API member read on a busy server, growing through the day)."""
        where = f"{MEMBER_SCOPE} AND discord_user_id = ? AND created_at >= ? AND is_test = ?"
        total = await self._db.fetch_value(
            f"SELECT COALESCE(SUM(amount), 0) FROM {member_source('amount', where)}",
            per_half([*member_scope(self.scope), member_id, since, False]),
        )
        return int(total or 0)

    async def claims_since(self, member_id: str, since: datetime, *, is_test: bool | None = None) -> dict[str, int]:
        """Per event: the member's payouts since a moment (today's count for daily limits); `is_test`
        keeps only test (True) or real (False) payouts."""
        mode = "" if is_test is None else " AND is_test = ?"
        where = f"{MEMBER_SCOPE} AND discord_user_id = ? AND created_at >= ?{mode}"
        rows = await self._db.fetch_all(
            f"SELECT event_type, COUNT(*) AS n FROM {member_source('event_type', where)} GROUP BY event_type",
            per_half([*member_scope(self.scope), member_id, since, *([] if is_test is None else [is_test])]),
        )
        return {row["event_type"]: int(row["n"]) for row in rows}

    async def last_claims(self, member_id: str, *, is_test: bool) -> list[EventClaims]:
        """Per event: how many test (or real) payouts the member has had and the latest one."""
        source = member_source("event_type, created_at", f"{MEMBER_SCOPE} AND discord_user_id = ? AND is_test = ?")
        rows = await self._db.fetch_all(
            f"SELECT event_type, COUNT(*) AS claims, MAX(created_at) AS last_at FROM {source} GROUP BY event_type",
            per_half([*member_scope(self.scope), member_id, is_test]),
        )
        return [EventClaims(row["event_type"], int(row["claims"]), as_utc(row["last_at"])) for row in rows]

    # -- /stats: payouts since a moment ---------------------------------------------------------------------

    def _real_since(self, since: datetime) -> tuple[str, list[Any]]:
        """Real payouts since a moment, from the covering index of real payouts (no row lookups): the test
        flag a literal its partial index matches, the window closed, and on SQLite (no statistics) the brand
        kept out of the index choice, else the plain server-and-time index wins and reads every row."""
        brand = "+brand_id" if self._db.dialect == "sqlite" else "brand_id"
        return (
            f"{brand} = ? AND server_id = ? AND is_test = FALSE AND created_at >= ? AND created_at < ?",
            [self.scope.brand_id, self.scope.server_id, since, _WINDOW_END],
        )

    async def totals(self, since: datetime) -> PayoutTotals:
        where, params = self._real_since(since)
        row = await self._db.fetch_one(
            f"SELECT COUNT(*) AS payouts, COALESCE(SUM(amount), 0) AS ltz, COUNT(DISTINCT discord_user_id) AS members "
            f"FROM {LEDGER} WHERE {where}",
            params,
        )
        found = {k: int(v or 0) for k, v in (row or {}).items()}
        return PayoutTotals(found.get("payouts", 0), found.get("ltz", 0), found.get("members", 0))

    async def breakdown(self, since: datetime, by: str, limit: int = 15) -> list[PayoutGroup]:
        """Payouts and LTZ per event (`events`) or per member (`users`) since a moment, largest first."""
        column = BREAKDOWNS[by]
        where, params = self._real_since(since)
        rows = await self._db.fetch_all(
            f"SELECT {column} AS name, COUNT(*) AS payouts, SUM(amount) AS ltz FROM {LEDGER} "
            f"WHERE {where} GROUP BY {column} ORDER BY ltz DESC, {column} LIMIT ?",
            [*params, limit],
        )
        return [PayoutGroup(str(r["name"]), int(r["payouts"]), int(r["ltz"] or 0)) for r in rows]


def _member_stats(row: Row) -> MemberStats:
    return MemberStats(
        str(row["discord_user_id"]),
        int(row["messages_count"] or 0),
        int(row["reactions_count"] or 0),
        int(row["voice_minutes"] or 0),
        int(row["ltz_earned"] or 0),
        int(row["ltz_spent"] or 0),
    )
