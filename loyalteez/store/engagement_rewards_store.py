"""SQL behind drops, achievements, community goals, perks and their notices (issue 6), as a ServerStore mixin.

Everything that must not oversell or double-count is one conditional statement, so it holds on PostgreSQL
at READ COMMITTED under concurrency as well as on SQLite's single writer: a drop's claim slot is
`UPDATE … SET claims_count = claims_count + 1 WHERE claims_count < max_claims RETURNING` (a second writer
waits for the row lock, then re-checks the condition against the committed row), a member's claim is the
INSERT that the (drop, member) key lets through once, a perk's stock and a member's balance are each one
guarded UPDATE. Callers run these inside the transaction that also pays, so a refusal rolls all back.

Simple reads and writes go through the generic scoped methods (select/insert/update); only what needs
RETURNING, joins, conditions between columns or grouped counts is written out here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Row

DROPS, CLAIMS, WATCHES = "discord_drops", "discord_drop_claims", "loyalteez_drop_watches"
ACHIEVEMENTS, PROGRESS = "discord_achievements", "discord_user_achievements"
GOALS, GOAL_STATE = "discord_community_goals", "loyalteez_goal_state"
PERKS, PURCHASES = "loyalteez_perks", "loyalteez_perk_purchases"
STATS, STREAKS, LEDGER = "discord_user_stats", "discord_user_streaks", "loyalteez_reward_ledger"
CHECKINS = "loyalteez_daily_checkins"  # the daily check-ins of migration 0004 (one row per member and day)
_CHUNK = 1000

# What each stats-backed achievement type counts, as an expression over discord_user_stats (fixed texts,
# never user input).
STAT_EXPRESSIONS = {
    "message_count": "messages_count",
    "reactions_count": "reactions_count",
    "voice_hours": "voice_minutes / 60",
    "ltz_earned": "ltz_earned",
}


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" * len(items))


class EngagementRewardsStoreMixin(ScopedTables):
    # -- drops ------------------------------------------------------------------------------------------------

    async def drops_reserve(self, drop_id: str, member_id: str, claim_id: str, now: datetime) -> tuple[str, Row | None]:
        """Take one claim slot of a live drop for a member: ('ok', drop after), ('claimed', None) or
        ('unavailable', None) when it is full, ended or expired. Call inside the paying transaction: a
        refusal after 'ok' must roll back the claim row and the slot with it."""
        scope_sql, scope_params = self.scope_filter(DROPS)
        added = await self.db.fetch_all(
            f"INSERT INTO {CLAIMS} (claim_id, drop_id, brand_id, server_id, discord_user_id, claimed_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (drop_id, discord_user_id) DO NOTHING RETURNING claim_id",
            [claim_id, drop_id, self.scope.brand_id, self.scope.server_id, member_id, now],
        )
        if not added:
            return "claimed", None
        row = await self.db.fetch_one(
            f"UPDATE {DROPS} SET claims_count = claims_count + 1, ended_at = CASE WHEN max_claims IS NOT NULL "
            "AND claims_count + 1 >= max_claims THEN ? ELSE ended_at END "
            f"WHERE {scope_sql} AND drop_id = ? AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > ?) "
            "AND (max_claims IS NULL OR claims_count < max_claims) RETURNING *",
            [now, *scope_params, drop_id, now],
        )
        return ("ok", row) if row is not None else ("unavailable", None)

    async def drops_end(self, drop_id: str, when: datetime) -> Row | None:
        """End a live drop (by an admin); None when it had already ended."""
        scope_sql, params = self.scope_filter(DROPS)
        return await self.db.fetch_one(
            f"UPDATE {DROPS} SET ended_at = ? WHERE {scope_sql} AND drop_id = ? AND ended_at IS NULL RETURNING *",
            [when, *params, drop_id],
        )

    async def drops_expire_due(self, now: datetime, drop_id: str | None = None) -> list[Row]:
        """End every live drop (or just `drop_id`) whose time is up, at its expiry moment; returns them."""
        scope_sql, params = self.scope_filter(DROPS)
        only = " AND drop_id = ?" if drop_id is not None else ""
        return await self.db.fetch_all(
            f"UPDATE {DROPS} SET ended_at = expires_at WHERE {scope_sql} AND ended_at IS NULL "
            f"AND expires_at IS NOT NULL AND expires_at <= ?{only} RETURNING *",
            [*params, now, *([drop_id] if drop_id is not None else [])],
        )

    async def drops_claim_counts(self, member_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Drops each member has claimed (all members when None)."""
        return await self._member_counts(CLAIMS, member_ids)

    # -- achievements -----------------------------------------------------------------------------------------

    async def achievements_sources(self, member_ids: Sequence[str], kinds: set[str]) -> dict[str, dict[str, int]]:
        """member -> achievement type -> the member's current total, read from where each type lives."""
        totals: dict[str, dict[str, int]] = {m: {} for m in member_ids}
        if not member_ids:
            return totals
        if kinds & set(STAT_EXPRESSIONS):
            for row in await self.select(STATS, {"discord_user_id": ("IN", list(member_ids))}):
                mine = totals[row["discord_user_id"]]
                mine["message_count"] = int(row["messages_count"])
                mine["reactions_count"] = int(row["reactions_count"])
                mine["voice_hours"] = int(row["voice_minutes"]) // 60
                mine["ltz_earned"] = int(row["ltz_earned"])
        if "streak_days" in kinds:
            for row in await self.select(STREAKS, {"discord_user_id": ("IN", list(member_ids))}):
                totals[row["discord_user_id"]]["streak_days"] = int(row["longest_streak"] or 0)
        if "checkins" in kinds and CHECKINS in self.catalog.tables:
            for member, n in (await self._member_counts(CHECKINS, member_ids)).items():
                totals[member]["checkins"] = n
        if "drops_claimed" in kinds:
            for member, n in (await self.drops_claim_counts(member_ids)).items():
                totals[member]["drops_claimed"] = n
        return totals

    async def achievements_all_sources(self, kind: str) -> dict[str, int]:
        """Every member's current total for one type (crediting an achievement created later, once)."""
        if kind in STAT_EXPRESSIONS:
            scope_sql, params = self.scope_filter(STATS)
            expression = STAT_EXPRESSIONS[kind]
            rows = await self.db.fetch_all(
                f"SELECT discord_user_id, {expression} AS n FROM {STATS} WHERE {scope_sql} AND {expression} > 0",
                params,
            )
            return {r["discord_user_id"]: int(r["n"]) for r in rows}
        if kind == "streak_days":
            rows = await self.select(STREAKS, {"longest_streak": (">", 0)})
            return {r["discord_user_id"]: int(r["longest_streak"]) for r in rows}
        if kind == "checkins":
            return await self._member_counts(CHECKINS, None) if CHECKINS in self.catalog.tables else {}
        if kind == "drops_claimed":
            return await self.drops_claim_counts(None)
        raise ValueError(f"unknown achievement type {kind!r}")

    async def achievements_save_progress(self, rows: Sequence[tuple[str, str, int]]) -> None:
        """(member, achievement id, progress) rows: inserted, or raised (never lowered) while not completed."""
        if not rows:
            return
        await self.db.executemany(
            f"INSERT INTO {PROGRESS} (brand_id, server_id, discord_user_id, achievement_id, progress) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (server_id, discord_user_id, achievement_id) DO UPDATE SET "
            f"progress = excluded.progress WHERE {PROGRESS}.brand_id = excluded.brand_id "
            f"AND {PROGRESS}.completed_at IS NULL AND {PROGRESS}.progress < excluded.progress",
            [(self.scope.brand_id, self.scope.server_id, m, a, p) for m, a, p in rows],
        )

    async def achievements_complete(
        self, now: datetime, member_ids: Sequence[str] | None = None, achievement_id: str | None = None
    ) -> list[Row]:
        """Stamp completed_at on rows whose progress reached their achievement's threshold, once; returns them."""
        scope_sql, params = self.scope_filter(PROGRESS)
        found: list[Row] = []
        groups = list(_chunks(list(member_ids))) if member_ids is not None else [None]
        for chunk in groups:
            sql = (
                f"UPDATE {PROGRESS} SET completed_at = ? WHERE {scope_sql} AND completed_at IS NULL "
                f"AND progress >= (SELECT a.threshold FROM {ACHIEVEMENTS} a "
                f"WHERE a.achievement_id = {PROGRESS}.achievement_id AND a.is_active = ?)"
            )
            args: list[Any] = [now, *params, True]
            if chunk is not None:
                sql += f" AND discord_user_id IN ({_marks(chunk)})"
                args += list(chunk)
            if achievement_id is not None:
                sql += " AND achievement_id = ?"
                args.append(achievement_id)
            found += await self.db.fetch_all(sql + " RETURNING discord_user_id, achievement_id", args)
        return found

    async def achievements_claim(self, achievement_id: str, member_id: str, now: datetime) -> bool:
        """Mark a completed achievement claimed, once (inside the paying transaction)."""
        scope_sql, params = self.scope_filter(PROGRESS)
        row = await self.db.fetch_one(
            f"UPDATE {PROGRESS} SET claimed_at = ? WHERE {scope_sql} AND achievement_id = ? "
            "AND discord_user_id = ? AND completed_at IS NOT NULL AND claimed_at IS NULL RETURNING achievement_id",
            [now, *params, achievement_id, member_id],
        )
        return row is not None

    async def achievements_completions(self) -> dict[str, int]:
        """How many members completed each achievement (for /achievement list)."""
        scope_sql, params = self.scope_filter(PROGRESS)
        rows = await self.db.fetch_all(
            f"SELECT achievement_id, COUNT(*) AS n FROM {PROGRESS} WHERE {scope_sql} AND completed_at IS NOT NULL "
            "GROUP BY achievement_id",
            params,
        )
        return {str(r["achievement_id"]): int(r["n"]) for r in rows}

    # -- community goals --------------------------------------------------------------------------------------

    async def goals_with_state(self, *, live_only: bool) -> list[Row]:
        """Goals joined with their project state (value_day, best_value, ended_at), oldest first."""
        scope_sql, params = self.scope_filter(GOALS, "g")
        sql = (
            f"SELECT g.*, s.value_day, s.best_value, s.ended_at, s.ended_by FROM {GOALS} g "
            f"LEFT JOIN {GOAL_STATE} s ON s.goal_id = g.goal_id WHERE {scope_sql}"
        )
        if live_only:
            sql += " AND s.ended_at IS NULL AND g.completed_at IS NULL"
        return await self.db.fetch_all(sql + " ORDER BY g.created_at, g.name", params)

    async def goals_add(self, goal_id: str, amount: int | float) -> Row | None:
        """Move a goal's current_value by `amount` (never below 0); returns the goal after."""
        scope_sql, params = self.scope_filter(GOALS)
        return await self.db.fetch_one(
            f"UPDATE {GOALS} SET current_value = CASE WHEN current_value + ? < 0 THEN 0 "
            f"ELSE current_value + ? END WHERE {scope_sql} AND goal_id = ? RETURNING *",
            [amount, amount, *params, goal_id],
        )

    async def goals_complete(self, goal_id: str, now: datetime) -> Row | None:
        """Stamp completed_at once the goal's value reached its target; None if not reached or already done."""
        scope_sql, params = self.scope_filter(GOALS)
        return await self.db.fetch_one(
            f"UPDATE {GOALS} SET completed_at = ? WHERE {scope_sql} AND goal_id = ? AND completed_at IS NULL "
            "AND current_value >= target_value RETURNING *",
            [now, *params, goal_id],
        )

    async def goals_first_today(
        self, member_ids: Sequence[str], day_start: datetime, batch: Mapping[str, int]
    ) -> list[str]:
        """Which members earned today for the first time in the batch just written (`batch`: member ->
        real payouts it holds): their real payouts since `day_start` are exactly the batch's."""
        counts: dict[str, int] = {}
        scope_sql, params = self.scope_filter(LEDGER)
        for chunk in _chunks(list(member_ids)):
            rows = await self.db.fetch_all(
                f"SELECT discord_user_id, COUNT(*) AS n FROM {LEDGER} WHERE {scope_sql} "
                f"AND discord_user_id IN ({_marks(chunk)}) AND created_at >= ? AND is_test = ? "
                "GROUP BY discord_user_id",
                [*params, *chunk, day_start, False],
            )
            counts.update({r["discord_user_id"]: int(r["n"]) for r in rows})
        return [m for m in member_ids if counts.get(m, 0) == batch.get(m, -1)]

    async def goals_earners_since(self, since: datetime) -> int:
        """Distinct members with a real payout since a moment (a dau goal created mid-day starts there)."""
        scope_sql, params = self.scope_filter(LEDGER)
        value = await self.db.fetch_value(
            f"SELECT COUNT(DISTINCT discord_user_id) FROM {LEDGER} WHERE {scope_sql} AND created_at >= ? "
            "AND is_test = ?",
            [*params, since, False],
        )
        return int(value or 0)

    # -- perks ------------------------------------------------------------------------------------------------

    async def perks_take_one(self, perk_id: str) -> Row | None:
        """One unit of a live perk's stock (unlimited stock stays NULL); None when sold out or removed."""
        scope_sql, params = self.scope_filter(PERKS)
        return await self.db.fetch_one(
            f"UPDATE {PERKS} SET quantity = quantity - 1 WHERE {scope_sql} AND perk_id = ? AND is_active = ? "
            "AND (quantity IS NULL OR quantity > 0) RETURNING *",
            [*params, perk_id, True],
        )

    async def perks_spend(self, member_id: str, cost: int, now: datetime) -> Row | None:
        """Debit a member's available LTZ (earned minus spent); None when they have less than `cost`."""
        scope_sql, params = self.scope_filter(STATS)
        return await self.db.fetch_one(
            f"UPDATE {STATS} SET ltz_spent = ltz_spent + ?, updated_at = ? WHERE {scope_sql} "
            "AND discord_user_id = ? AND ltz_earned - ltz_spent >= ? RETURNING ltz_earned, ltz_spent",
            [cost, now, *params, member_id, cost],
        )

    async def perks_refund(self, purchase_id: str, now: datetime) -> Row | None:
        """Undo a completed purchase once: the member's LTZ and the stock come back; returns the purchase."""
        scope_sql, params = self.scope_filter(PURCHASES)
        purchase = await self.db.fetch_one(
            f"UPDATE {PURCHASES} SET status = 'refunded', refunded_at = ? WHERE {scope_sql} AND purchase_id = ? "
            "AND status = 'completed' RETURNING *",
            [now, *params, purchase_id],
        )
        if purchase is None:
            return None
        # Perk row before stats row, the order purchases lock them in: no deadlock between the two.
        perks_sql, perks_params = self.scope_filter(PERKS)
        await self.db.execute(
            f"UPDATE {PERKS} SET quantity = quantity + 1 WHERE {perks_sql} AND perk_id = ? AND quantity IS NOT NULL",
            [*perks_params, purchase["perk_id"]],
        )
        stats_sql, stats_params = self.scope_filter(STATS)
        await self.db.execute(
            f"UPDATE {STATS} SET ltz_spent = ltz_spent - ?, updated_at = ? WHERE {stats_sql} AND discord_user_id = ?",
            [purchase["cost"], now, *stats_params, purchase["discord_user_id"]],
        )
        return purchase

    async def perks_sold(self) -> dict[str, int]:
        """Completed purchases per perk."""
        scope_sql, params = self.scope_filter(PURCHASES)
        rows = await self.db.fetch_all(
            f"SELECT perk_id, COUNT(*) AS n FROM {PURCHASES} WHERE {scope_sql} AND status = 'completed' "
            "GROUP BY perk_id",
            params,
        )
        return {str(r["perk_id"]): int(r["n"]) for r in rows}

    # -- shared -------------------------------------------------------------------------------------------------

    async def _member_counts(self, table: str, member_ids: Sequence[str] | None) -> dict[str, int]:
        scope_sql, params = self.scope_filter(table)
        if member_ids is None:
            rows = await self.db.fetch_all(
                f"SELECT discord_user_id, COUNT(*) AS n FROM {table} WHERE {scope_sql} GROUP BY discord_user_id",
                params,
            )
            return {r["discord_user_id"]: int(r["n"]) for r in rows}
        counts: dict[str, int] = {}
        for chunk in _chunks(list(member_ids)):
            rows = await self.db.fetch_all(
                f"SELECT discord_user_id, COUNT(*) AS n FROM {table} WHERE {scope_sql} "
                f"AND discord_user_id IN ({_marks(chunk)}) GROUP BY discord_user_id",
                [*params, *chunk],
            )
            counts.update({r["discord_user_id"]: int(r["n"]) for r in rows})
        return counts
