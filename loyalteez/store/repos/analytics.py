"""Analytics rollups the rewards engine writes, and the check-in facts the streak rollups read back.

Writes happen inside the engine's batch transaction and cost a fixed number of statements per batch (one
INSERT … SELECT over a VALUES list per chunk for the day rows, two for the member rows, which change only
when a member's first-seen / first-reward / last-active day does), never one per event. The KPIs' grouped
reads over these rows are in analytics_kpis.py. The SQL runs unchanged on SQLite and PostgreSQL (see
rewards_store for the VALUES/CAST conventions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos.analytics_kpis import DAILY, MEMBERS, KpiReads, _int
from loyalteez.store.values import as_utc

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


@dataclass(frozen=True, slots=True)
class CheckinFacts:
    """A member's check-in as the day's rollups see it (see AnalyticsRepository.checkin_facts)."""

    recorded: int | None  # the streak /daily recorded for the day's check-in
    last_checkin_at: datetime | None  # as the rollups last recorded it
    checkin_streak: int  # the streak then
    last_test_at: datetime | None  # the member's last test-mode check-in before the day


class AnalyticsRepository(KpiReads):
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
