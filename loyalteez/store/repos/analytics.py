"""Analytics rollups: the daily rollups the rewards engine writes, and the grouped reads KPIs are built from.

Writes happen inside the engine's batch transaction and cost a fixed number of statements per batch (one
INSERT … SELECT over a VALUES list per chunk for the day rows, two for the member rows, which change only
when a member's first-seen / first-reward / last-active day does), never one per event. Reads are aggregates
over a bounded window of days (at most the last 14, or the few days a check-in streak can span), plus the
lifetime LTZ in discord_user_stats, so a snapshot's cost does not grow with the server's history. The SQL
runs unchanged on SQLite and PostgreSQL (see rewards_store for the VALUES/CAST conventions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos.base import Repository
from loyalteez.store.values import as_utc

DAILY = "loyalteez_activity_daily"
MEMBERS = "loyalteez_member_analytics"
STATS = "discord_user_stats"  # lifetime LTZ per member, kept by the rewards engine
CHECKINS = "loyalteez_daily_checkins"  # the streak service's check-ins, recorded by /daily
# A member row takes the earliest first-seen and entry, the first reward, the latest active day.
_MEMBER_UPDATE = (
    "ON CONFLICT (server_id, brand_id, discord_user_id) DO UPDATE SET "
    "first_seen_at = COALESCE({m}.first_seen_at, excluded.first_seen_at), "
    "entered_at = CASE WHEN {m}.entered_at IS NULL OR {m}.entered_at > excluded.entered_at "
    "THEN excluded.entered_at ELSE {m}.entered_at END, "
    "first_reward_at = COALESCE({m}.first_reward_at, excluded.first_reward_at), "
    "last_active_on = CASE WHEN {m}.last_active_on IS NULL OR {m}.last_active_on < excluded.last_active_on "
    "THEN excluded.last_active_on ELSE {m}.last_active_on END"
)
_CHUNK = 2500  # members per statement (x8 parameters at most): under both engines' 32,766 limit
# Per-member deltas, in this order: messages, reactions, voice minutes, voice sessions, check-ins, payouts, LTZ.
DELTA_COLUMNS = ("messages", "reactions", "voice_minutes", "voice_sessions", "checkins", "rewards", "ltz_earned")


def _day(value: Any) -> date | None:
    """MAX(day) comes back as ISO text on SQLite."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class CheckinFacts:
    """A member's check-in as the day's rollups see it (see AnalyticsRepository.checkin_facts)."""

    recorded: int | None  # the streak /daily recorded for the day's check-in
    last_checkin_at: datetime | None  # as the rollups last recorded it
    checkin_streak: int  # the streak then
    last_test_at: datetime | None  # the member's last test-mode check-in before the day


def _int(value: Any) -> int:
    return int(value or 0)


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """One server's activity around a day D, from the rollups of D-13..D."""

    dau: int  # members who earned on D
    active_any: int  # members with any counted activity or payout on D
    dau_voice: int  # members who earned on D and had voice minutes on D
    rewards_today: int  # payouts on D
    ltz_today: int
    wau: int  # members who earned in D-6..D
    ltz_week: int
    previous_active: int  # members who earned in D-13..D-7
    churned: int  # ... and not in D-6..D
    earners_14d: int  # members who earned in D-13..D
    payouts_14d: int  # their payouts in D-13..D
    regulars_14d: int  # ... those with 3 or more


@dataclass(frozen=True, slots=True)
class LifetimeCounts:
    """Every member's LTZ earned up to the end of a day: their lifetime total minus what came after."""

    earners: int
    ltz_total: int
    top_decile_ltz: int  # LTZ held by the top ceil(10 %) of earners


@dataclass(frozen=True, slots=True)
class StreakCounts:
    alive_start: int  # streaks alive at the start of D
    retained: int  # ... still alive at its end
    alive_end: int  # every streak alive at the end of D (new ones included)
    streak_total: int  # sum of those streaks' lengths


@dataclass(frozen=True, slots=True)
class CohortMember:
    """A member who became known (joined or first seen) in a window, and when they were first paid."""

    member_id: str
    entered_at: datetime
    first_reward_at: datetime | None


@dataclass(frozen=True, slots=True)
class PeriodTotals:
    """Totals over a span of days: who earned, who took part, what was paid."""

    active_members: int  # distinct members who earned
    active_any: int  # distinct members with any counted activity
    ltz_paid: int
    payouts: int


class AnalyticsRepository(Repository):
    """Daily activity rollups and per-member analytics of one server, the KPIs' only source."""

    # -- writes, inside the rewards engine's transaction ----------------------------------------------------

    async def record(
        self,
        day: date,
        now: datetime,
        deltas: Mapping[str, Sequence[int]],
        changing: Sequence[str] | None = None,
        seen_at: Mapping[str, datetime] | None = None,
        paid_at: Mapping[str, datetime] | None = None,
    ) -> None:
        """Add one batch's per-member deltas (DELTA_COLUMNS order) to the day's rollups; note firsts per member.

        A member first seen or first paid in this batch is noted at their own moment (`seen_at`, `paid_at`:
        their earliest event and payout in it), else at the batch's moment `now`; members sharing moments
        share a statement (live, that is every member of the batch). `changing`: the
        members whose member row may change (default all; the caller may know the others' rows are current).
        The scope and the moments are bound once per statement, not per member (parameter conversion is a
        real cost here).
        """
        items = list(deltas.items())
        # Only the columns this batch moves (a batch of messages moves no voice or check-in column).
        used = [i for i in range(len(DELTA_COLUMNS)) if any(row[i] for _, row in items)] or [0]
        columns = [DELTA_COLUMNS[i] for i in used]
        casts = ["CAST(? AS BIGINT)" if c == "ltz_earned" else "CAST(? AS INTEGER)" for c in columns]
        if self._db.dialect == "sqlite":
            # SQLite: one prepared statement for every batch (a VALUES list of the batch's size is parsed
            # and planned again each time, which cost more than running it).
            brand, server = self.scope.brand_id, self.scope.server_id
            await self._db.executemany(
                f"INSERT INTO {DAILY} (brand_id, server_id, day, discord_user_id, {', '.join(columns)}) "
                f"VALUES (?, ?, ?, ?, {', '.join('?' * len(columns))}) "
                "ON CONFLICT (server_id, brand_id, day, discord_user_id) DO UPDATE SET "
                + ", ".join(f"{c} = {DAILY}.{c} + excluded.{c}" for c in columns),
                [(brand, server, day, member, *(row[i] for i in used)) for member, row in items],
            )
            items = []
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            plain = f"({', '.join('?' * (len(used) + 1))})"
            values = ", ".join([f"(?, {', '.join(casts)})"] + [plain] * (len(chunk) - 1))
            await self._db.queue(
                f"INSERT INTO {DAILY} (brand_id, server_id, day, discord_user_id, {', '.join(columns)}) "
                f"SELECT ?, ?, ?, {', '.join(f'v.column{i}' for i in range(1, len(used) + 2))} "
                f"FROM (VALUES {values}) AS v WHERE TRUE "
                "ON CONFLICT (server_id, brand_id, day, discord_user_id) DO UPDATE SET "
                + ", ".join(f"{c} = {DAILY}.{c} + excluded.{c}" for c in columns),
                [
                    self.scope.brand_id,
                    self.scope.server_id,
                    day,
                    *(v for member, row in chunk for v in (member, *(row[i] for i in used))),
                ],
            )
        # The member rows change only when something about them does: first seen, first reward, the first
        # batch of a new day. The WHERE keeps every other row untouched (no write, no dirty page).
        noted = list(deltas) if changing is None else changing
        seen_at, paid_at = seen_at or {}, paid_at or {}
        groups: dict[tuple[datetime, datetime | None], list[str]] = {}
        for member in noted:
            reward = (paid_at.get(member) or now) if deltas[member][5] else None
            seen = seen_at.get(member) or reward or now
            groups.setdefault((seen, reward), []).append(member)
        changed = (
            " WHERE {m}.first_seen_at IS NULL OR {m}.last_active_on IS NULL "
            "OR {m}.last_active_on < excluded.last_active_on"
        )
        if self._db.dialect == "sqlite" and len(groups) > 1:
            # Members noted at moments of their own (a history replay decides each event at its time): one
            # prepared statement with a row per member, not one statement per moment.
            await self._members_upsert_each(groups, day, changed)
            return
        for (seen, first_reward), members in groups.items():
            for start in range(0, len(members), _CHUNK):
                await self._members_upsert(
                    members[start : start + _CHUNK],
                    seen,
                    day,
                    first_reward,
                    changed + (" OR {m}.first_reward_at IS NULL" if first_reward is not None else ""),
                )

    async def _members_upsert(
        self, members: Sequence[str], now: datetime, day: date, first_reward: datetime | None, where: str
    ) -> None:
        m = MEMBERS
        reward_sql, reward_params = ("?", [first_reward]) if first_reward is not None else ("NULL", [])
        member_params: list[Any]
        if self._db.dialect == "sqlite":  # one text for any number of members: one JSON array parameter
            source, member_params = "(SELECT value AS column1 FROM json_each(?)) AS v", [list(members)]
        else:
            source, member_params = f"(VALUES {', '.join(['(?)'] * len(members))}) AS v", list(members)
        await self._db.queue(
            f"INSERT INTO {m} (brand_id, server_id, discord_user_id, first_seen_at, entered_at, last_active_on, "
            f"first_reward_at) SELECT ?, ?, v.column1, ?, ?, ?, {reward_sql} "
            f"FROM {source} WHERE TRUE " + _MEMBER_UPDATE.format(m=m) + where.format(m=m),
            [self.scope.brand_id, self.scope.server_id, now, now, day, *reward_params, *member_params],
        )

    async def _members_upsert_each(
        self, groups: Mapping[tuple[datetime, datetime | None], Sequence[str]], day: date, where: str
    ) -> None:
        """SQLite: `_members_upsert` for every (first seen, first reward) group at once, a row per member."""
        m, brand, server = MEMBERS, self.scope.brand_id, self.scope.server_id
        for rewarded in (False, True):
            rows = [
                (brand, server, member, seen, seen, day, reward)
                for (seen, reward), members in groups.items()
                if (reward is not None) is rewarded
                for member in members
            ]
            if rows:
                await self._db.executemany(
                    f"INSERT INTO {m} (brand_id, server_id, discord_user_id, first_seen_at, entered_at, "
                    "last_active_on, first_reward_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    + _MEMBER_UPDATE.format(m=m)
                    + (where + (" OR {m}.first_reward_at IS NULL" if rewarded else "")).format(m=m),
                    rows,
                )

    async def checkin_state(self, members: Sequence[str]) -> dict[str, tuple[datetime | None, int]]:
        """member -> (last check-in, streak then) as the rollups last recorded it."""
        if not members:
            return {}
        scope_sql, scope_params = self._tables.scope_filter(MEMBERS)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, last_checkin_at, checkin_streak FROM {MEMBERS} WHERE {scope_sql} "
            f"AND discord_user_id IN ({', '.join('?' * len(members))})",
            [*scope_params, *members],
        )
        return {r["discord_user_id"]: (as_utc(r["last_checkin_at"]), _int(r["checkin_streak"])) for r in rows}

    async def checkin_facts(self, day: date, members: Sequence[str]) -> dict[str, CheckinFacts]:
        """What the rollups need to know about these members' check-ins on `day`, in one statement:
        `recorded_streaks`, `checkin_state` and `last_test_checkins` together."""
        if not members or CHECKINS not in self._tables.catalog.tables:
            state = await self.checkin_state(members)
            return {m: CheckinFacts(None, *state.get(m, (None, 0)), None) for m in members}
        c_sql, c_params = self._tables.scope_filter(CHECKINS, "c")
        m_sql, m_params = self._tables.scope_filter(MEMBERS, "a")
        asked = " UNION ALL ".join("SELECT CAST(? AS TEXT) AS member" for _ in members)
        rows = await self._db.fetch_all(
            f"SELECT w.member, (SELECT c.streak FROM {CHECKINS} c WHERE {c_sql} AND c.checkin_day = ? "
            "AND c.discord_user_id = w.member) AS recorded, a.last_checkin_at, a.checkin_streak, "
            f"(SELECT MAX(c.created_at) FROM {CHECKINS} c WHERE {c_sql} AND c.is_test = ? AND c.checkin_day < ? "
            f"AND c.discord_user_id = w.member) AS tested_at FROM ({asked}) w "
            f"LEFT JOIN {MEMBERS} a ON {m_sql} AND a.discord_user_id = w.member",
            [*c_params, day, *c_params, True, day, *members, *m_params],
        )
        return {
            r["member"]: CheckinFacts(
                None if r["recorded"] is None else _int(r["recorded"]),
                as_utc(r["last_checkin_at"]),
                _int(r["checkin_streak"]),
                as_utc(r["tested_at"]),
            )
            for r in rows
        }

    async def set_streaks(self, day: date, streaks: Sequence[tuple[str, datetime, int]]) -> None:
        """Record each (member, check-in moment, streak) on the member row and on the day's rollup."""
        if not streaks:
            return
        scope_sql, scope_params = self._tables.scope_filter(MEMBERS)
        await self._db.queue_many(
            f"UPDATE {MEMBERS} SET last_checkin_at = ?, checkin_streak = ? WHERE {scope_sql} AND discord_user_id = ?",
            [(at, streak, *scope_params, member) for member, at, streak in streaks],
        )
        scope_sql, scope_params = self._tables.scope_filter(DAILY)
        await self._db.queue_many(
            f"UPDATE {DAILY} SET streak = ? WHERE {scope_sql} AND day = ? AND discord_user_id = ?",
            [(streak, *scope_params, day, member) for member, _, streak in streaks],
        )

    async def record_join(self, member_id: str, at: datetime) -> None:
        """A member joined the server: keep the first join, and it may make them known earlier."""
        await self._db.execute(
            f"INSERT INTO {MEMBERS} (brand_id, server_id, discord_user_id, joined_at, entered_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (server_id, brand_id, discord_user_id) DO UPDATE SET "
            f"joined_at = COALESCE({MEMBERS}.joined_at, excluded.joined_at), "
            f"entered_at = CASE WHEN {MEMBERS}.entered_at IS NULL OR {MEMBERS}.entered_at > excluded.entered_at "
            f"THEN excluded.entered_at ELSE {MEMBERS}.entered_at END",
            [self.scope.brand_id, self.scope.server_id, member_id, at, at],
        )

    # -- reads for the metrics of one day -------------------------------------------------------------------

    async def window(self, day: date, week_start: date, previous_start: date) -> WindowCounts:
        """Counts around `day` in one pass over the rollups of previous_start..day (14 days for D)."""
        scope_sql, scope_params = self._tables.scope_filter(DAILY)
        today = (
            await self._db.fetch_one(
                "SELECT COUNT(*) AS active_any, SUM(CASE WHEN rewards > 0 THEN 1 ELSE 0 END) AS dau, "
                "SUM(CASE WHEN rewards > 0 AND voice_minutes > 0 THEN 1 ELSE 0 END) AS dau_voice, "
                f"SUM(rewards) AS rewards, SUM(ltz_earned) AS ltz FROM {DAILY} WHERE {scope_sql} AND day = ?",
                [*scope_params, day],
            )
            or {}
        )
        # Per member: first and last day they earned in the window (churned = earned before week_start
        # only) and their payouts in it: one pass over the window's earning rows.
        spread = (
            await self._db.fetch_one(
                "SELECT SUM(CASE WHEN last_day >= ? THEN 1 ELSE 0 END) AS wau, "
                "SUM(CASE WHEN first_day < ? THEN 1 ELSE 0 END) AS previous_active, "
                "SUM(CASE WHEN last_day < ? THEN 1 ELSE 0 END) AS churned, COUNT(*) AS earners, SUM(n) AS payouts, "
                "SUM(CASE WHEN n >= 3 THEN 1 ELSE 0 END) AS regulars FROM ("
                "SELECT discord_user_id, MIN(day) AS first_day, MAX(day) AS last_day, SUM(rewards) AS n "
                f"FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ? AND rewards > 0 "
                "GROUP BY discord_user_id) earned",
                [week_start, week_start, week_start, *scope_params, previous_start, day],
            )
            or {}
        )
        ltz_week = await self._db.fetch_value(
            f"SELECT COALESCE(SUM(ltz_earned), 0) FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ?",
            [*scope_params, week_start, day],
        )
        return WindowCounts(
            dau=_int(today.get("dau")),
            active_any=_int(today.get("active_any")),
            dau_voice=_int(today.get("dau_voice")),
            rewards_today=_int(today.get("rewards")),
            ltz_today=_int(today.get("ltz")),
            wau=_int(spread.get("wau")),
            ltz_week=_int(ltz_week),
            previous_active=_int(spread.get("previous_active")),
            churned=_int(spread.get("churned")),
            earners_14d=_int(spread.get("earners")),
            payouts_14d=_int(spread.get("payouts")),
            regulars_14d=_int(spread.get("regulars")),
        )

    async def lifetime(self, day: date) -> LifetimeCounts:
        """LTZ earned up to the end of `day`: each member's lifetime LTZ (discord_user_stats, real payouts only,
        since the server was connected) minus what the rollups say they earned after that day."""
        stats_sql, stats_params = self._tables.scope_filter(STATS, "s")
        daily_sql, daily_params = self._tables.scope_filter(DAILY)
        totals = (
            "SELECT s.ltz_earned - COALESCE(later.ltz, 0) AS ltz "
            f"FROM {STATS} s LEFT JOIN (SELECT discord_user_id, SUM(ltz_earned) AS ltz "
            f"FROM {DAILY} WHERE {daily_sql} AND day > ? GROUP BY discord_user_id) later "
            f"ON later.discord_user_id = s.discord_user_id WHERE {stats_sql}"
        )
        row = (
            await self._db.fetch_one(
                "SELECT COUNT(*) AS earners, SUM(ltz) AS ltz, "
                "SUM(CASE WHEN position * 10 <= earners_all + 9 THEN ltz ELSE 0 END) AS top_ltz FROM ("
                "SELECT ltz, ROW_NUMBER() OVER (ORDER BY ltz DESC) AS position, COUNT(*) OVER () AS earners_all "
                f"FROM ({totals}) totals WHERE ltz > 0) ranked",
                [*daily_params, day, *stats_params],
            )
            or {}
        )
        return LifetimeCounts(
            earners=_int(row.get("earners")), ltz_total=_int(row.get("ltz")), top_decile_ltz=_int(row.get("top_ltz"))
        )

    async def cohort(self, start: datetime, end: datetime) -> list[CohortMember]:
        """Members who became known in [start, end): when, and when they were first paid."""
        scope_sql, scope_params = self._tables.scope_filter(MEMBERS)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, entered_at, first_reward_at FROM {MEMBERS} WHERE {scope_sql} "
            "AND entered_at >= ? AND entered_at < ?",
            [*scope_params, start, end],
        )
        cohort = []
        for r in rows:
            entered = as_utc(r["entered_at"])
            if entered is not None:  # the filter above already excludes NULL
                cohort.append(CohortMember(str(r["discord_user_id"]), entered, as_utc(r["first_reward_at"])))
        return cohort

    async def streaks(self, day: date, start_from: date, end_from: date) -> StreakCounts:
        """Check-in streaks around `day`: alive at its start if the last earlier check-in is on or after
        `start_from`; alive at its end if checked in on `day` or the last check-in is on or after `end_from`."""
        scope_sql, scope_params = self._tables.scope_filter(DAILY)
        row = (
            await self._db.fetch_one(
                "SELECT SUM(CASE WHEN last_before >= ? THEN 1 ELSE 0 END) AS alive_start, "
                "SUM(CASE WHEN last_before >= ? AND (today = 1 OR last_before >= ?) THEN 1 ELSE 0 END) AS retained, "
                "SUM(CASE WHEN today = 1 OR last_before >= ? THEN 1 ELSE 0 END) AS alive_end, "
                "SUM(CASE WHEN today = 1 OR last_before >= ? THEN streak ELSE 0 END) AS streak_total FROM ("
                "SELECT discord_user_id, MAX(CASE WHEN day < ? THEN day END) AS last_before, "
                "MAX(CASE WHEN day = ? THEN 1 ELSE 0 END) AS today, "
                "MAX(CASE WHEN day >= ? THEN streak ELSE 0 END) AS streak "
                f"FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ? AND checkins > 0 "
                "GROUP BY discord_user_id) checked",
                [
                    start_from,
                    start_from,
                    end_from,
                    end_from,
                    end_from,
                    day,
                    day,
                    end_from,
                    *scope_params,
                    start_from,
                    day,
                ],
            )
            or {}
        )
        return StreakCounts(
            alive_start=_int(row.get("alive_start")),
            retained=_int(row.get("retained")),
            alive_end=_int(row.get("alive_end")),
            streak_total=_int(row.get("streak_total")),
        )

    async def period(self, start: date, end: date) -> PeriodTotals:
        """Totals over [start, end]: distinct members who earned, with any activity; LTZ and payouts."""
        scope_sql, scope_params = self._tables.scope_filter(DAILY)
        row = (
            await self._db.fetch_one(
                "SELECT COUNT(DISTINCT CASE WHEN rewards > 0 THEN discord_user_id END) AS active_members, "
                "COUNT(DISTINCT discord_user_id) AS active_any, SUM(ltz_earned) AS ltz_paid, SUM(rewards) AS payouts "
                f"FROM {DAILY} WHERE {scope_sql} AND day >= ? AND day <= ?",
                [*scope_params, start, end],
            )
            or {}
        )
        return PeriodTotals(*(_int(row.get(k)) for k in ("active_members", "active_any", "ltz_paid", "payouts")))
