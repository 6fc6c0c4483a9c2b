"""The rewards ledger and what the engine checks before paying: seen events, tallies, budgets.

The message listener applies thousands of events a second, so a batch costs a handful of statements,
not a few per event: seen keys go in as one INSERT … SELECT over an array parameter, and the checks before
the write are grouped queries, all inside the caller's transaction. The batch write itself is in
ledger_writes.py, the pages people read in ledger_pages.py; `LedgerRepository` joins the three. The CASTs
type values for PostgreSQL; never CAST text to a NUMERIC-affinity type such as TIMESTAMPTZ on SQLite, which
would keep only a numeric prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from loyalteez.store.repos import ledger_guard
from loyalteez.store.repos.ledger_members import member_source, per_half
from loyalteez.store.repos.ledger_pages import LEDGER, LedgerPages
from loyalteez.store.repos.ledger_writes import LedgerWrites
from loyalteez.store.values import as_utc

SEEN = "loyalteez_seen_events"
_TALLIED = "discord_user_id, event_type, created_at"  # what a tally reads of each of a member's payouts
_CHUNK = 2000  # keys per statement (x6 parameters at most): under both engines' 32,766 limit


@dataclass(frozen=True, slots=True)
class Tally:
    """A member's past payouts of one event: all of them, those since the day started, the latest."""

    claims: int
    today: int
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class TallyGroup:
    """Members and events whose past payouts one decision needs; `since` None reads their whole history."""

    member_ids: Sequence[str]
    event_types: Sequence[str]
    since: datetime | None


@dataclass(frozen=True, slots=True)
class LedgerChecks:
    """What the engine checks before paying: keys already paid, tallies per (member, event), totals per event."""

    paid_keys: set[str]
    tallies: dict[tuple[str, str], Tally]
    totals: dict[str, int]
    # With `proof` asked for: the guard's condition that these checks still read the same (ledger_guard.py);
    # None when they cannot be proved that way.
    proof: str | None = None
    # With `proof` on PostgreSQL: the server's reward config version, read by the same statement.
    config_version: int | None = None


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class LedgerRepository(LedgerWrites, LedgerPages):
    """The rewards ledger of one server and the member stats it moves (writes: LedgerWrites, pages: LedgerPages)."""

    # -- reads before a batch is decided ------------------------------------------------------------------

    async def mark_seen(self, keys: Sequence[str]) -> set[str]:
        """Record activity keys as counted; returns the ones that were new (the others were seen before).

        PostgreSQL: one INSERT … ON CONFLICT DO NOTHING RETURNING both checks and records, so dedupe costs
        no extra round trip. SQLite: the keys already there, then the insert (below). The keys are one array
        parameter, so the statements' text is the same for every batch. Call inside the batch's transaction.
        """
        unique = list(dict.fromkeys(keys))
        if not unique:
            return set()
        insert = (
            f"INSERT INTO {SEEN} (brand_id, server_id, event_key, seen_on) SELECT ?, ?, j.value, ? "
            f"FROM {self._array('?')} WHERE TRUE ON CONFLICT DO NOTHING"
        )
        params = [self.scope.brand_id, self.scope.server_id, self._clock.now().date(), unique]
        if self._db.dialect != "sqlite":
            return {r["event_key"] for r in await self._db.fetch_all(f"{insert} RETURNING event_key", params)}
        # SQLite: RETURNING hands each new key back as a row, nearly all of a batch's keys, and that cost
        # more than the insert itself (87 against 35 ms for 22,500 keys). Asking which keys were there
        # already returns only the few repeats; in one transaction, so no other writer comes in between.
        # By the server alone, as the insert's conflict is: a key counted before the server changed brand
        # stays counted.
        async with self._db.transaction():
            repeats = await self._keys_there(SEEN, "event_key", unique, by_brand=False)
            await self._db.execute(insert, params)
        return {key for key in unique if key not in repeats}

    async def guard(
        self, seen: Sequence[str], proofs: Sequence[str], *, lock_brand: bool, config_version: int | None = None
    ) -> bool:
        """Queue the statement that opens the writes of a batch decided without locks (ledger_guard.py):
        it locks, records `seen` and checks `proofs`. False when it cannot be written (the caller then
        decides the locking way). PostgreSQL only; call inside the batch's transaction, before its writes."""
        if self._db.dialect != "postgresql":
            return False
        block = ledger_guard.guard_block(
            self.scope.brand_id,
            self.scope.server_id,
            lock_brand=lock_brand,
            seen=seen,
            seen_on=self._clock.now().date(),
            proofs=proofs,
            config_version=config_version,
        )
        if block is None:
            return False
        await self._db.queue(block)
        return True

    async def paid_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these idempotency keys already have a ledger row, each looked up on the (server,
        idempotency key) index.

        SQLite: one statement whatever the number of keys, the keys one JSON array joined to the ledger key
        by key (with `IN (?, ?, …)` it takes the brand index, which holds every row the brand ever paid, and
        the text changes with every batch size). PostgreSQL: an IN list per chunk; with one array parameter
        its generic plan, made while the ledger was small, scans the ledger for every key.
        """
        unique = list(dict.fromkeys(keys))
        if not unique:
            return set()
        if self._db.dialect != "sqlite":
            return await self._existing(LEDGER, "idempotency_key", unique)
        return await self._keys_there(LEDGER, "idempotency_key", unique, by_brand=True)

    async def _keys_there(self, table: str, column: str, keys: Sequence[str], *, by_brand: bool) -> set[str]:
        """SQLite: which of these keys `table` holds for this server, the keys one JSON array searched key by
        key on the (server_id, `column`) index. `by_brand`: the brand's rows only (not for a table whose
        key is the server's alone, as its inserts' conflicts are)."""
        brand_sql, brand_params = (" AND +t.brand_id = ?", [self.scope.brand_id]) if by_brand else ("", [])
        rows = await self._db.fetch_all(
            f"SELECT t.{column} AS k FROM json_each(?) AS j CROSS JOIN {table} AS t "
            f"WHERE t.server_id = ? AND t.{column} = j.value{brand_sql}",
            [keys, self.scope.server_id, *brand_params],
        )
        return {r["k"] for r in rows}

    async def _existing(self, table: str, column: str, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        scope_sql, scope_params = self._tables.scope_filter(table)
        for chunk in _chunks(keys):
            rows = await self._db.fetch_all(
                f"SELECT {column} AS k FROM {table} WHERE {scope_sql} AND {column} IN ({', '.join('?' * len(chunk))})",
                [*scope_params, *chunk],
            )
            found.update(r["k"] for r in rows)
        return found

    def _array(self, param: str) -> str:
        """A text array parameter as a table `j` of one column `value` (a JSON array on SQLite)."""
        if self._db.dialect == "sqlite":
            return f"json_each({param}) AS j"
        return f"unnest(CAST({param} AS TEXT[])) AS j(value)"

    def _plain(self, column: str) -> str:
        """A column SQLite must not pick an index for.

        SQLite has no table statistics here (nothing runs ANALYZE), so given `brand_id = ?` it often takes
        the brand index, which holds every row the brand ever paid, over the member, event or key index
        that reads a handful. A unary plus keeps a term out of its index choice; PostgreSQL plans by cost
        and needs no hint.
        """
        return f"+{column}" if self._db.dialect == "sqlite" else column

    def _scope(self) -> tuple[str, list[Any]]:
        """The ledger's scope and test-flag condition (its is_test parameter comes next), the brand and the
        flag kept out of SQLite's index choice."""
        sql = f"{self._plain('brand_id')} = ? AND server_id = ? AND {self._plain('is_test')} = ?"
        return sql, [self.scope.brand_id, self.scope.server_id]

    async def tallies(
        self,
        member_ids: Sequence[str],
        event_types: Sequence[str],
        day_start: datetime,
        since: datetime | None = None,
        day_end: datetime | None = None,
        *,
        is_test: bool = False,
    ) -> dict[tuple[str, str], Tally]:
        """Payouts per (member, event) for cooldowns and caps: test payouts only in test mode, real ones otherwise.

        With `since`, only rows from then on are read (an index range per member, so the cost does not
        grow with history) and `claims` counts only those; pass None for lifetime caps. `today` counts
        rows from `day_start` up to `day_end` (a past day, for messages decided at their own time).
        """
        tallies: dict[tuple[str, str], Tally] = {}
        if not member_ids or not event_types:
            return tallies
        scope_sql, scope_params = self._scope()
        events = list(dict.fromkeys(event_types))
        window = "" if since is None else " AND created_at >= ?"
        today = "created_at >= ?" if day_end is None else "created_at >= ? AND created_at < ?"
        bounds = [day_start] if day_end is None else [day_start, day_end]
        events_sql, events_params = self._in("event_type", events)
        since_params = [] if since is None else [since]
        for chunk in _chunks(list(dict.fromkeys(member_ids))):
            members_sql, members_params = self._in("discord_user_id", chunk)
            source = member_source(_TALLIED, f"{scope_sql} AND {members_sql}{window} AND {events_sql}")
            rows = await self._db.fetch_all(
                "SELECT discord_user_id, event_type, COUNT(*) AS claims, "
                f"SUM(CASE WHEN {today} THEN 1 ELSE 0 END) AS today, MAX(created_at) AS last_at "
                f"FROM {source} GROUP BY discord_user_id, event_type",
                [*bounds, *per_half([*scope_params, is_test, *members_params, *since_params, *events_params])],
            )
            for r in rows:
                tallies[(r["discord_user_id"], r["event_type"])] = Tally(
                    int(r["claims"]), int(r["today"] or 0), as_utc(r["last_at"])
                )
        return tallies

    async def checks(
        self,
        keys: Sequence[str],
        tally_groups: Sequence[TallyGroup],
        capped: Sequence[str],
        day_start: datetime,
        day_end: datetime,
        *,
        is_test: bool = False,
        proof: bool = False,
    ) -> LedgerChecks:
        """paid_keys, tallies per group and event_totals, read in one statement (one round trip) when small.

        What the engine reads before deciding a batch; against a remote database each separate read
        would cost a round trip. The parts are UNION ALL branches with one row shape, told apart by `kind`.
        `proof` (PostgreSQL): also return the condition a guard checks under the lock (see ledger_guard.py), and
        the server's config version (a cached config found stale before anything is decided with it).
        """
        keys = list(dict.fromkeys(keys))
        groups = [g for g in tally_groups if g.member_ids and g.event_types]
        if len(keys) > _CHUNK or any(len(set(g.member_ids)) > _CHUNK for g in groups):
            tallies: dict[tuple[str, str], Tally] = {}
            for g in groups:
                tallies.update(
                    await self.tallies(
                        g.member_ids, g.event_types, day_start, g.since, day_end=day_end, is_test=is_test
                    )
                )
            return LedgerChecks(await self.paid_keys(keys), tallies, await self.event_totals(capped, is_test=is_test))
        branches: list[str] = []
        params: list[Any] = []
        if keys:
            branches.append(
                "SELECT 'p' AS kind, l.idempotency_key AS k, CAST(NULL AS TEXT) AS event_type, 0 AS claims, "
                f"0 AS today, CAST(NULL AS TIMESTAMPTZ) AS last_at FROM {self._array('?')} CROSS JOIN {LEDGER} AS l "
                f"WHERE l.server_id = ? AND l.idempotency_key = j.value AND {self._plain('l.brand_id')} = ?"
            )
            params += [keys, self.scope.server_id, self.scope.brand_id]
        scope_sql, scope_params = self._scope()
        for g in groups:
            members_sql, members_params = self._in("discord_user_id", list(dict.fromkeys(g.member_ids)))
            events_sql, events_params = self._in("event_type", list(dict.fromkeys(g.event_types)))
            window = "" if g.since is None else " AND created_at >= ?"
            source = member_source(_TALLIED, f"{scope_sql} AND {members_sql}{window} AND {events_sql}")
            branches.append(
                "SELECT 't', discord_user_id, event_type, COUNT(*), "
                "SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END), MAX(created_at) "
                f"FROM {source} GROUP BY discord_user_id, event_type"
            )
            since_params = [g.since] if g.since is not None else []
            params += [day_start, day_end]
            params += per_half([*scope_params, is_test, *members_params, *since_params, *events_params])
        if capped:
            events_sql, events_params = self._in("event_type", list(dict.fromkeys(capped)))
            branches.append(
                f"SELECT 'n', NULL, event_type, COUNT(*), 0, NULL FROM {LEDGER} WHERE {scope_sql} AND {events_sql} "
                "GROUP BY event_type"
            )
            params += [*scope_params, is_test, *events_params]
        found = LedgerChecks(set(), {}, {})
        if not branches:
            return found
        sql = " UNION ALL ".join(branches)
        proved = proof and self._db.dialect == "postgresql"
        if proved:
            version_params = [self.scope.server_id, self.scope.brand_id]
            rows = await self._db.fetch_all(ledger_guard.with_digest(sql, config_version=True), params + version_params)
        else:
            rows = await self._db.fetch_all(sql, params)
        if proved and rows:
            proof_sql = ledger_guard.proof(sql, params, str(rows[0]["digest"]))
            found = LedgerChecks(set(), {}, {}, proof_sql, int(rows[0]["config_version"]))
        for r in rows:
            if r["kind"] is None:
                continue  # the digest's row when nothing matched
            if r["kind"] == "p":
                found.paid_keys.add(r["k"])
            elif r["kind"] == "t":
                found.tallies[(r["k"], r["event_type"])] = Tally(
                    int(r["claims"]), int(r["today"] or 0), as_utc(r["last_at"])
                )
            else:
                found.totals[r["event_type"]] = int(r["claims"])
        return found

    async def event_totals(self, event_types: Sequence[str], *, is_test: bool = False) -> dict[str, int]:
        """Payouts per event on this server, all members (for max_total_claims), test or real ones."""
        if not event_types:
            return {}
        scope_sql, scope_params = self._scope()
        events_sql, events_params = self._in("event_type", list(dict.fromkeys(event_types)))
        rows = await self._db.fetch_all(
            f"SELECT event_type, COUNT(*) AS n FROM {LEDGER} WHERE {scope_sql} AND {events_sql} GROUP BY event_type",
            [*scope_params, is_test, *events_params],
        )
        return {r["event_type"]: int(r["n"]) for r in rows}

    async def brand_spent(self) -> int:
        """Real (non-test) LTZ paid by every server of this scope's brand: what its budget is spent on."""
        value = await self._db.fetch_value(
            f"SELECT COALESCE(SUM(amount), 0) FROM {LEDGER} WHERE brand_id = ? AND is_test = ?",
            [self.scope.brand_id, False],
        )
        return int(value or 0)

    async def prune_seen(self, before: date) -> int:
        """Forget activity keys counted before the day `before` (Discord only redelivers recent events)."""
        return await self._tables.delete(SEEN, {"seen_on": ("<", before)})
