"""Achievements and every member's progress towards them.

Progress only ever rises and completes once: saving is an upsert that raises a row (never lowers it) while
it is not completed, and completing is one conditional UPDATE that stamps completed_at on rows that reached
their achievement's threshold, returning exactly the rows it stamped. A claim is one more conditional
UPDATE inside the paying transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store.repos._shared import chunks, marks, member_counts
from loyalteez.store.repos.base import Repository

ACHIEVEMENTS, PROGRESS = "discord_achievements", "discord_user_achievements"
STATS, STREAKS, CLAIMS = "discord_user_stats", "discord_user_streaks", "discord_drop_claims"
CHECKINS = "loyalteez_daily_checkins"  # the daily check-ins of migration 0004 (one row per member and day)

# What each stats-backed achievement type counts, as an expression over discord_user_stats (fixed texts,
# never user input).
STAT_EXPRESSIONS = {
    "message_count": "messages_count",
    "reactions_count": "reactions_count",
    "voice_hours": "voice_minutes / 60",
    "ltz_earned": "ltz_earned",
}


@dataclass(frozen=True, slots=True)
class Achievement:
    id: str
    name: str
    description: str | None
    kind: str
    threshold: int
    reward: int
    active: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Achievement:
        return cls(
            str(row["achievement_id"]),
            row["name"],
            row.get("description"),
            row.get("achievement_type") or "",
            int(row["threshold"]),
            int(row.get("reward_amount") or 0),
            row.get("is_active") is not False,
        )


@dataclass(frozen=True, slots=True)
class Progress:
    """One member's progress on one achievement."""

    member_id: str
    achievement_id: str
    progress: int
    completed_at: datetime | None
    claimed_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Progress:
        return cls(
            row["discord_user_id"],
            str(row["achievement_id"]),
            int(row.get("progress") or 0),
            row.get("completed_at"),
            row.get("claimed_at"),
        )


@dataclass(frozen=True, slots=True)
class Completion:
    member_id: str
    achievement_id: str


class AchievementsRepository(Repository):
    """Achievements and members' progress of one server."""

    # -- achievements -----------------------------------------------------------------------------------------

    async def add(
        self,
        *,
        achievement_id: str,
        name: str,
        description: str | None,
        kind: str,
        threshold: int,
        reward: int,
        active: bool = True,
    ) -> Achievement:
        row = {
            "achievement_id": achievement_id,
            "name": name,
            "description": description,
            "achievement_type": kind,
            "threshold": threshold,
            "reward_amount": reward,
            "is_active": active,
        }
        await self._tables.insert(ACHIEVEMENTS, row)
        return Achievement.from_row(row)

    async def change(
        self,
        achievement_id: str,
        *,
        description: str | None = None,
        threshold: int | None = None,
        reward: int | None = None,
        active: bool | None = None,
        clear_description: bool = False,
    ) -> None:
        """Change some settings (None leaves one as it is; `clear_description` empties the description)."""
        values: dict[str, Any] = {}
        if description is not None or clear_description:
            values["description"] = description
        if threshold is not None:
            values["threshold"] = threshold
        if reward is not None:
            values["reward_amount"] = reward
        if active is not None:
            values["is_active"] = active
        if values:
            await self._tables.update(ACHIEVEMENTS, {"achievement_id": achievement_id}, values)

    async def get(self, achievement_id: str) -> Achievement | None:
        row = await self.snapshot(achievement_id)
        return Achievement.from_row(row) if row is not None else None

    async def snapshot(self, achievement_id: str) -> dict[str, Any] | None:
        """An achievement's row as stored (audit before/after)."""
        return await self._tables.get(ACHIEVEMENTS, {"achievement_id": achievement_id})

    async def all(self) -> list[Achievement]:
        """Every achievement, oldest first."""
        return [Achievement.from_row(r) for r in await self._tables.select(ACHIEVEMENTS, order_by=("created_at",))]

    async def by_name(self) -> list[Achievement]:
        """Every achievement in name order."""
        return [Achievement.from_row(r) for r in await self._tables.select(ACHIEVEMENTS, order_by=("name",))]

    async def active(self) -> list[Achievement]:
        return [Achievement.from_row(r) for r in await self._tables.select(ACHIEVEMENTS, {"is_active": True})]

    async def completions(self) -> dict[str, int]:
        """How many members completed each achievement (for /achievement list)."""
        scope_sql, params = self._tables.scope_filter(PROGRESS)
        rows = await self._db.fetch_all(
            f"SELECT achievement_id, COUNT(*) AS n FROM {PROGRESS} WHERE {scope_sql} AND completed_at IS NOT NULL "
            "GROUP BY achievement_id",
            params,
        )
        return {str(r["achievement_id"]): int(r["n"]) for r in rows}

    # -- progress ---------------------------------------------------------------------------------------------

    async def progress_of(self, member_ids: Sequence[str]) -> list[Progress]:
        """The members' progress rows on every achievement."""
        if len(member_ids) == 1:
            rows = await self._tables.select(PROGRESS, {"discord_user_id": member_ids[0]})
        else:
            rows = await self._tables.select(PROGRESS, {"discord_user_id": ("IN", list(member_ids))})
        return [Progress.from_row(r) for r in rows]

    async def sources(self, member_ids: Sequence[str], kinds: set[str]) -> dict[str, dict[str, int]]:
        """member -> achievement type -> the member's current total, read from where each type lives."""
        totals: dict[str, dict[str, int]] = {m: {} for m in member_ids}
        if not member_ids:
            return totals
        if kinds & set(STAT_EXPRESSIONS):
            for row in await self._tables.select(STATS, {"discord_user_id": ("IN", list(member_ids))}):
                mine = totals[row["discord_user_id"]]
                mine["message_count"] = int(row["messages_count"])
                mine["reactions_count"] = int(row["reactions_count"])
                mine["voice_hours"] = int(row["voice_minutes"]) // 60
                mine["ltz_earned"] = int(row["ltz_earned"])
        if "streak_days" in kinds:
            for row in await self._tables.select(STREAKS, {"discord_user_id": ("IN", list(member_ids))}):
                totals[row["discord_user_id"]]["streak_days"] = int(row["longest_streak"] or 0)
        if "checkins" in kinds and CHECKINS in self._tables.catalog.tables:
            for member, n in (await member_counts(self._tables, CHECKINS, member_ids)).items():
                totals[member]["checkins"] = n
        if "drops_claimed" in kinds:
            for member, n in (await member_counts(self._tables, CLAIMS, member_ids)).items():
                totals[member]["drops_claimed"] = n
        return totals

    async def all_sources(self, kind: str) -> dict[str, int]:
        """Every member's current total for one type (crediting an achievement created later, once)."""
        if kind in STAT_EXPRESSIONS:
            scope_sql, params = self._tables.scope_filter(STATS)
            expression = STAT_EXPRESSIONS[kind]
            rows = await self._db.fetch_all(
                f"SELECT discord_user_id, {expression} AS n FROM {STATS} WHERE {scope_sql} AND {expression} > 0",
                params,
            )
            return {r["discord_user_id"]: int(r["n"]) for r in rows}
        if kind == "streak_days":
            rows = await self._tables.select(STREAKS, {"longest_streak": (">", 0)})
            return {r["discord_user_id"]: int(r["longest_streak"]) for r in rows}
        if kind == "checkins":
            return await member_counts(self._tables, CHECKINS, None) if CHECKINS in self._tables.catalog.tables else {}
        if kind == "drops_claimed":
            return await member_counts(self._tables, CLAIMS, None)
        raise ValueError(f"unknown achievement type {kind!r}")

    async def save_progress(self, rows: Sequence[tuple[str, str, int]]) -> None:
        """(member, achievement id, progress) rows: inserted, or raised (never lowered) while not completed."""
        if not rows:
            return
        await self._db.executemany(
            f"INSERT INTO {PROGRESS} (brand_id, server_id, discord_user_id, achievement_id, progress) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (server_id, discord_user_id, achievement_id) DO UPDATE SET "
            f"progress = excluded.progress WHERE {PROGRESS}.brand_id = excluded.brand_id "
            f"AND {PROGRESS}.completed_at IS NULL AND {PROGRESS}.progress < excluded.progress",
            [(self.scope.brand_id, self.scope.server_id, m, a, p) for m, a, p in rows],
        )

    async def complete(
        self, now: datetime, member_ids: Sequence[str] | None = None, achievement_id: str | None = None
    ) -> list[Completion]:
        """Stamp completed_at on rows whose progress reached their achievement's threshold, once; returns them."""
        scope_sql, params = self._tables.scope_filter(PROGRESS)
        found: list[Completion] = []
        groups: list[Sequence[str] | None] = list(chunks(list(member_ids))) if member_ids is not None else [None]
        for chunk in groups:
            sql = (
                f"UPDATE {PROGRESS} SET completed_at = ? WHERE {scope_sql} AND completed_at IS NULL "
                f"AND progress >= (SELECT a.threshold FROM {ACHIEVEMENTS} a "
                f"WHERE a.achievement_id = {PROGRESS}.achievement_id AND a.is_active = ?)"
            )
            args: list[Any] = [now, *params, True]
            if chunk is not None:
                sql += f" AND discord_user_id IN ({marks(chunk)})"
                args += list(chunk)
            if achievement_id is not None:
                sql += " AND achievement_id = ?"
                args.append(achievement_id)
            rows = await self._db.fetch_all(sql + " RETURNING discord_user_id, achievement_id", args)
            found += [Completion(r["discord_user_id"], str(r["achievement_id"])) for r in rows]
        return found

    async def claim(self, achievement_id: str, member_id: str, now: datetime) -> bool:
        """Mark a completed achievement claimed, once (inside the paying transaction)."""
        scope_sql, params = self._tables.scope_filter(PROGRESS)
        row = await self._db.fetch_one(
            f"UPDATE {PROGRESS} SET claimed_at = ? WHERE {scope_sql} AND achievement_id = ? "
            "AND discord_user_id = ? AND completed_at IS NOT NULL AND claimed_at IS NULL RETURNING achievement_id",
            [now, *params, achievement_id, member_id],
        )
        return row is not None
