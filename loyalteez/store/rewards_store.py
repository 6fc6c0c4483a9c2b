"""SQL the rewards engine needs, as a ServerStore mixin: every statement carries the scope.

The message listener applies thousands of events a second, so a batch costs a handful of statements,
not a few per event: seen keys and stats go in as one INSERT … SELECT over a VALUES list per chunk (the
scope and timestamps bound once per statement), ledger rows with executemany, and the checks before
them are grouped queries. All inside the caller's transaction; the SQL runs unchanged on SQLite and
PostgreSQL (VALUES columns are column1…N on both; the CASTs type them for PostgreSQL and are no-ops for
SQLite integers — never CAST text to a NUMERIC-affinity type such as TIMESTAMPTZ on SQLite, which would
keep only a numeric prefix).

Config writes here bump an in-process generation number per server, which the engine's rule cache
compares on every batch: a change made through these methods is seen by the very next event (changes
made elsewhere, such as brand-wide rules from the operator CLI, within the cache's TTL).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Row
from loyalteez.store.values import as_utc

LEDGER = "loyalteez_reward_ledger"
SEEN = "loyalteez_seen_events"
DISABLED = "loyalteez_disabled_members"
RULES = "monitoring_rules"
ROLES = "discord_role_configs"
_CHUNK = 2000  # keys per statement (x4 parameters at most): under both engines' 32,766 limit

# db -> (brand_id, server_id) -> generation; weak so a closed store's counters go with it.
_GENERATIONS: WeakKeyDictionary[Any, dict[tuple[str, str], int]] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class Tally:
    """A member's past payouts of one event: all of them, those since the day started, the latest."""

    claims: int
    today: int
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class RewardsConfigRows:
    rules: list[Row]
    roles: list[Row]
    metadata: dict[str, Any]
    disabled: frozenset[str]
    budget: int | None


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class RewardsStoreMixin(ScopedTables):
    # -- cache invalidation ------------------------------------------------------------------------------

    def rewards_generation(self) -> int:
        """How many times this server's reward config was changed through this process."""
        return _GENERATIONS.get(self.db, {}).get((self.scope.brand_id, self.scope.server_id), 0)

    def rewards_config_changed(self) -> None:
        gens = _GENERATIONS.setdefault(self.db, {})
        key = (self.scope.brand_id, self.scope.server_id)
        gens[key] = gens.get(key, 0) + 1

    @asynccontextmanager
    async def rewards_transaction(self) -> AsyncIterator[None]:
        """A config change: commits together, holding the server's rewards lock (see rewards_lock).

        Holding it means the engine, which reads the generation and the config under the same lock,
        never caches a config read before this change committed but stamped with its new generation.
        """
        async with self.db.transaction():
            await self.rewards_lock(brand=False)
            yield

    async def rewards_lock(self, *, brand: bool) -> None:
        """Serialise reward decisions for this server (and, with `brand`, the brand's budget) until commit.

        The engine checks caps and budgets, then writes: two transactions doing that at once could both
        pass a cap. SQLite already runs one writer at a time; on PostgreSQL a no-op UPDATE takes the row
        lock. Callers lock brands before servers, in sorted order, so two batches cannot deadlock.
        """
        if brand:
            await self.db.execute(
                "UPDATE loyalteez_brands SET updated_at = updated_at WHERE brand_id = ?", [self.scope.brand_id]
            )
        await self.db.execute(
            "UPDATE discord_server_configs SET updated_at = updated_at WHERE server_id = ? AND brand_id = ?",
            [self.scope.server_id, self.scope.brand_id],
        )

    # -- the config the engine caches ---------------------------------------------------------------------

    async def rewards_config_rows(self) -> RewardsConfigRows:
        config = await self.get("discord_server_configs", {})
        brand = await self.db.fetch_one(
            "SELECT ltz_budget FROM loyalteez_brands WHERE brand_id = ?", [self.scope.brand_id]
        )
        metadata = (config or {}).get("config_metadata") or {}
        return RewardsConfigRows(
            rules=await self.select(RULES),
            roles=await self.select(ROLES),
            metadata=metadata if isinstance(metadata, dict) else {},
            disabled=frozenset(r["discord_user_id"] for r in await self.select(DISABLED)),
            budget=None if brand is None or brand["ltz_budget"] is None else int(brand["ltz_budget"]),
        )

    # -- reads before a batch is decided ------------------------------------------------------------------

    async def rewards_mark_seen(self, keys: Sequence[str]) -> set[str]:
        """Record activity keys as counted; returns the ones that were new (the others were seen before).

        One INSERT … ON CONFLICT DO NOTHING RETURNING per chunk both checks and records, so dedupe
        costs no extra round trip; call inside the batch's transaction.
        """
        new: set[str] = set()
        today = self.clock.now().date()
        for chunk in _chunks(list(dict.fromkeys(keys))):
            rows = await self.db.fetch_all(
                f"INSERT INTO {SEEN} (brand_id, server_id, event_key, seen_on) SELECT ?, ?, v.column1, ? "
                f"FROM (VALUES {', '.join(['(?)'] * len(chunk))}) AS v WHERE TRUE "
                "ON CONFLICT DO NOTHING RETURNING event_key",
                [self.scope.brand_id, self.scope.server_id, today, *chunk],
            )
            new.update(r["event_key"] for r in rows)
        return new

    async def rewards_paid_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these idempotency keys already have a ledger row."""
        return await self._existing(LEDGER, "idempotency_key", keys)

    async def _existing(self, table: str, column: str, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        scope_sql, scope_params = self.scope_filter(table)
        for chunk in _chunks(list(dict.fromkeys(keys))):
            rows = await self.db.fetch_all(
                f"SELECT {column} AS k FROM {table} WHERE {scope_sql} AND {column} IN ({', '.join('?' * len(chunk))})",
                [*scope_params, *chunk],
            )
            found.update(r["k"] for r in rows)
        return found

    async def rewards_tallies(
        self,
        member_ids: Sequence[str],
        event_types: Sequence[str],
        day_start: datetime,
        since: datetime | None = None,
        day_end: datetime | None = None,
    ) -> dict[tuple[str, str], Tally]:
        """Payouts per (member, event) for cooldowns and caps (test payouts included).

        With `since`, only rows from then on are read (an index range per member, so the cost does not
        grow with history) and `claims` counts only those; pass None for lifetime caps. `today` counts
        rows from `day_start` up to `day_end` (a past day, for messages decided at their own time).
        """
        tallies: dict[tuple[str, str], Tally] = {}
        if not member_ids or not event_types:
            return tallies
        scope_sql, scope_params = self.scope_filter(LEDGER)
        events = list(dict.fromkeys(event_types))
        window = "" if since is None else " AND created_at >= ?"
        today = "created_at >= ?" if day_end is None else "created_at >= ? AND created_at < ?"
        bounds = [day_start] if day_end is None else [day_start, day_end]
        for chunk in _chunks(list(dict.fromkeys(member_ids))):
            rows = await self.db.fetch_all(
                "SELECT discord_user_id, event_type, COUNT(*) AS claims, "
                f"SUM(CASE WHEN {today} THEN 1 ELSE 0 END) AS today, MAX(created_at) AS last_at "
                f"FROM {LEDGER} WHERE {scope_sql} "
                f"AND discord_user_id IN ({', '.join('?' * len(chunk))}){window} "
                f"AND event_type IN ({', '.join('?' * len(events))}) "
                "GROUP BY discord_user_id, event_type",
                [*bounds, *scope_params, *chunk, *([since] if since is not None else []), *events],
            )
            for r in rows:
                tallies[(r["discord_user_id"], r["event_type"])] = Tally(
                    int(r["claims"]), int(r["today"] or 0), as_utc(r["last_at"])
                )
        return tallies

    async def rewards_event_totals(self, event_types: Sequence[str]) -> dict[str, int]:
        """Payouts per event on this server, all members (for max_total_claims)."""
        if not event_types:
            return {}
        scope_sql, scope_params = self.scope_filter(LEDGER)
        events = list(dict.fromkeys(event_types))
        rows = await self.db.fetch_all(
            f"SELECT event_type, COUNT(*) AS n FROM {LEDGER} WHERE {scope_sql} "
            f"AND event_type IN ({', '.join('?' * len(events))}) GROUP BY event_type",
            [*scope_params, *events],
        )
        return {r["event_type"]: int(r["n"]) for r in rows}

    async def rewards_brand_spent(self) -> int:
        """Real (non-test) LTZ paid by every server of this scope's brand: what its budget is spent on."""
        value = await self.db.fetch_value(
            f"SELECT COALESCE(SUM(amount), 0) FROM {LEDGER} WHERE brand_id = ? AND is_test = ?",
            [self.scope.brand_id, False],
        )
        return int(value or 0)

    # -- the batch write ------------------------------------------------------------------------------------

    async def rewards_write(self, ledger_rows: Sequence[Mapping[str, Any]], stats: Mapping[str, Sequence[int]]) -> None:
        """Record payouts and stats deltas (messages, reactions, voice minutes, LTZ earned).

        A ledger row may carry its own `created_at` (a message decided at the moment it was posted).

        Call inside the transaction that checked them: the ledger's conflict clause is a safety net,
        not the dedupe (a skipped ledger row with moved stats would be drift, which check_ledger reports).
        """
        brand, server = self.scope.brand_id, self.scope.server_id
        now = self.clock.now()
        if ledger_rows:
            await self.db.executemany(
                f"INSERT INTO {LEDGER} (id, brand_id, server_id, discord_user_id, event_type, amount, "
                "idempotency_key, channel_id, is_test, details, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    (
                        r["id"],
                        brand,
                        server,
                        r["discord_user_id"],
                        r["event_type"],
                        r["amount"],
                        r["idempotency_key"],
                        r.get("channel_id"),
                        r.get("is_test", False),
                        r.get("details"),
                        r.get("created_at") or now,
                    )
                    for r in ledger_rows
                ],
            )
        for chunk in _chunks(list(stats.items())):
            rows = ", ".join(
                ["(?, CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS BIGINT))"]
                + ["(?, ?, ?, ?, ?)"] * (len(chunk) - 1)
            )
            await self.db.execute(
                "INSERT INTO discord_user_stats (brand_id, server_id, discord_user_id, messages_count, "
                "reactions_count, voice_minutes, ltz_earned, created_at, updated_at) "
                "SELECT ?, ?, v.column1, v.column2, v.column3, v.column4, v.column5, ?, ? "
                f"FROM (VALUES {rows}) AS v WHERE TRUE "
                "ON CONFLICT (server_id, discord_user_id) DO UPDATE SET "
                "messages_count = discord_user_stats.messages_count + excluded.messages_count, "
                "reactions_count = discord_user_stats.reactions_count + excluded.reactions_count, "
                "voice_minutes = discord_user_stats.voice_minutes + excluded.voice_minutes, "
                "ltz_earned = discord_user_stats.ltz_earned + excluded.ltz_earned, "
                "updated_at = excluded.updated_at WHERE discord_user_stats.brand_id = excluded.brand_id",
                [brand, server, now, now, *(v for member, deltas in chunk for v in (member, *deltas))],
            )

    async def rewards_prune_seen(self, before: date) -> int:
        """Forget activity keys counted before the day `before` (Discord only redelivers recent events)."""
        return await self.delete(SEEN, {"seen_on": ("<", before)})

    # -- ledger check -----------------------------------------------------------------------------------------

    async def rewards_ledger_totals(self, since: datetime | None) -> dict[str, int]:
        """Real LTZ paid per member since `since` (None: ever), recomputed from the ledger."""
        scope_sql, params = self.scope_filter(LEDGER)
        sql = f"SELECT discord_user_id, SUM(amount) AS total FROM {LEDGER} WHERE {scope_sql} AND is_test = ?"
        params.append(False)
        if since is not None:
            sql += " AND created_at >= ?"
            params.append(since)
        rows = await self.db.fetch_all(sql + " GROUP BY discord_user_id", params)
        return {r["discord_user_id"]: int(r["total"]) for r in rows}

    async def rewards_earned(self) -> dict[str, int]:
        """ltz_earned per member as discord_user_stats holds it."""
        scope_sql, params = self.scope_filter("discord_user_stats")
        rows = await self.db.fetch_all(
            f"SELECT discord_user_id, ltz_earned FROM discord_user_stats WHERE {scope_sql}", params
        )
        return {r["discord_user_id"]: int(r["ltz_earned"]) for r in rows}

    # -- config writes (each bumps the generation) -----------------------------------------------------------

    async def rewards_insert_rule(self, row: Mapping[str, Any]) -> bool:
        """Add a rule for this server; False when the server already has that event."""
        added = await self.insert(RULES, row, ignore_conflict=True)
        self.rewards_config_changed()
        return added

    async def rewards_update_rule(self, event_type: str, values: Mapping[str, Any]) -> int:
        changed = await self.update(RULES, {"event_type": event_type}, values)
        self.rewards_config_changed()
        return changed

    async def rewards_delete_rule(self, event_type: str) -> int:
        removed = await self.delete(RULES, {"event_type": event_type})
        self.rewards_config_changed()
        return removed

    async def rewards_set_role_effect(self, row: Mapping[str, Any]) -> None:
        await self.upsert(
            ROLES, row, key=("server_id", "discord_role_id", "effect_type"), update=("effect_value", "priority")
        )
        self.rewards_config_changed()

    async def rewards_remove_role_effects(self, role_id: str, effect_type: str | None) -> int:
        where: dict[str, Any] = {"discord_role_id": role_id}
        if effect_type is not None:
            where["effect_type"] = effect_type
        removed = await self.delete(ROLES, where)
        self.rewards_config_changed()
        return removed

    async def rewards_metadata(self) -> dict[str, Any]:
        config = await self.get("discord_server_configs", {})
        metadata = (config or {}).get("config_metadata") or {}
        return dict(metadata) if isinstance(metadata, dict) else {}

    async def rewards_set_metadata(self, changes: Mapping[str, Any]) -> None:
        """Change some config_metadata keys, keeping the others (call inside a transaction)."""
        metadata = await self.rewards_metadata()
        metadata.update(changes)
        await self.update("discord_server_configs", {}, {"config_metadata": metadata})
        self.rewards_config_changed()

    async def rewards_disable_member(self, member_id: str, reason: str | None, by: str) -> None:
        await self.upsert(
            DISABLED,
            {"discord_user_id": member_id, "reason": reason, "disabled_by": by},
            key=("server_id", "discord_user_id"),
        )
        self.rewards_config_changed()

    async def rewards_enable_member(self, member_id: str) -> int:
        removed = await self.delete(DISABLED, {"discord_user_id": member_id})
        self.rewards_config_changed()
        return removed
