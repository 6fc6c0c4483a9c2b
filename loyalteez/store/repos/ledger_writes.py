"""The engine's batch write: ledger rows and member stats deltas, a fixed number of statements per batch.

Apart from the checks before it (ledger.py) so each engine's write path reads as one piece; `LedgerRepository`
inherits it. SQLite: one statement per table over the rows as a JSON array, with fixed text (prepared once
per connection), sent to run on the database's thread while the engine goes on (`Database.send`).
PostgreSQL: one unnest statement per table, queued to travel with the transaction's next statement or its
COMMIT.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from loyalteez.store.repos.base import Repository
from loyalteez.store.repos.ledger_pages import LEDGER
from loyalteez.store.sqlite_codecs import adapt_rows

STATS = "discord_user_stats"

_STATS_UPSERT_HEAD = (
    f"INSERT INTO {STATS} (brand_id, server_id, discord_user_id, messages_count, reactions_count, voice_minutes, "
    "ltz_earned, claims, created_at, updated_at)"
)
_STATS_DELTAS = ("messages_count", "reactions_count", "voice_minutes", "ltz_earned", "claims")
_STATS_UPSERT_TAIL = (
    f"ON CONFLICT (server_id, discord_user_id) DO UPDATE SET "
    f"messages_count = {STATS}.messages_count + excluded.messages_count, "
    f"reactions_count = {STATS}.reactions_count + excluded.reactions_count, "
    f"voice_minutes = {STATS}.voice_minutes + excluded.voice_minutes, "
    f"ltz_earned = {STATS}.ltz_earned + excluded.ltz_earned, "
    f"claims = {STATS}.claims + excluded.claims, "
    f"updated_at = excluded.updated_at WHERE {STATS}.brand_id = excluded.brand_id"
)


def _ledger_columns(rows: Sequence[Mapping[str, Any]], now: datetime) -> list[list[Any]]:
    """Ledger rows as columns: id, member, event, amount, key, channel, is_test, details (JSON text), created.

    Details are encoded here, once per distinct object: a batch's payouts share a few priced breakdowns.
    """
    encoded: dict[int, str | None] = {}
    details = []
    for r in rows:
        value = r.get("details")
        text = encoded.get(id(value))
        if text is None and value is not None:
            text = encoded[id(value)] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        details.append(text)
    return [
        [r["id"] for r in rows],
        [r["discord_user_id"] for r in rows],
        [r["event_type"] for r in rows],
        [r["amount"] for r in rows],
        [r["idempotency_key"] for r in rows],
        [r.get("channel_id") for r in rows],
        [bool(r.get("is_test", False)) for r in rows],
        details,
        [r.get("created_at") or now for r in rows],
    ]


class LedgerWrites(Repository):
    """Payouts and the member stats they move, written inside the transaction that decided them."""

    async def write(
        self, ledger_rows: Sequence[Mapping[str, Any]], stats: Mapping[str, Sequence[int]], *, sent: int = 0
    ) -> None:
        """Record payouts and stats deltas (messages, reactions, voice minutes, LTZ earned); the real payouts
        also count in each member's claims.

        A ledger row may carry its own `created_at` (a message decided at the moment it was posted).
        `sent`: the first rows were written already (`write_payouts`, while the batch was being decided);
        they still count in the claims.

        Call inside the transaction that checked them: the ledger's conflict clause is a safety net,
        not the dedupe (a skipped ledger row with moved stats would be drift, which check_ledger reports).
        """
        now = self._clock.now()
        # Each member's real payouts of this batch move their claims count (the "rewards claimed" ranking).
        deltas = {member: [*values[:4], 0] for member, values in stats.items()}
        for r in ledger_rows:
            if not r.get("is_test", False):
                deltas.setdefault(r["discord_user_id"], [0, 0, 0, 0, 0])[4] += 1
        await self.write_payouts(ledger_rows[sent:], now)
        if self._db.dialect == "sqlite":
            await self._write_stats_sqlite(deltas, now)
            return
        brand, server = self.scope.brand_id, self.scope.server_id
        if deltas:
            members = list(deltas)
            await self._db.queue(
                f"{_STATS_UPSERT_HEAD} SELECT ?, ?, v.m, v.a, v.b, v.c, v.d, v.e, ?, ? FROM unnest(CAST(? AS TEXT[]), "
                "CAST(? AS INTEGER[]), CAST(? AS INTEGER[]), CAST(? AS INTEGER[]), CAST(? AS BIGINT[]), "
                f"CAST(? AS INTEGER[])) AS v(m, a, b, c, d, e) WHERE TRUE {_STATS_UPSERT_TAIL}",
                [brand, server, now, now, members, *([deltas[m][i] for m in members] for i in range(5))],
            )

    async def write_payouts(self, ledger_rows: Sequence[Mapping[str, Any]], now: datetime | None = None) -> None:
        """Insert ledger rows only; their stats come with `write` (pass it the rows already sent).

        SQLite: one statement over the rows as a JSON array, started on the connection's thread while the
        caller goes on (`send`); PostgreSQL: one unnest statement, queued to travel with the transaction's
        next statement or its COMMIT.
        """
        if not ledger_rows:
            return
        brand, server = self.scope.brand_id, self.scope.server_id
        columns = _ledger_columns(ledger_rows, now or self._clock.now())
        if self._db.dialect == "sqlite":
            rows = adapt_rows(list(zip(*columns, strict=True)))
            await self._db.send(
                f"INSERT INTO {LEDGER} (id, brand_id, server_id, discord_user_id, event_type, amount, "
                f"idempotency_key, channel_id, is_test, details, created_at) SELECT {_items(0)}, ?, ?, {_items(1, 8)} "
                "FROM json_each(?) AS r WHERE TRUE ON CONFLICT DO NOTHING",
                [brand, server, rows],
            )
            return
        await self._db.queue(
            f"INSERT INTO {LEDGER} (id, brand_id, server_id, discord_user_id, event_type, amount, "
            "idempotency_key, channel_id, is_test, details, created_at) "
            "SELECT CAST(v.id AS UUID), ?, ?, v.member, v.event, v.amount, v.key, v.channel, v.is_test, "
            "CAST(v.details AS JSONB), v.created_at FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), "
            "CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), "
            "CAST(? AS BOOLEAN[]), CAST(? AS TEXT[]), CAST(? AS TIMESTAMPTZ[])) "
            "AS v(id, member, event, amount, key, channel, is_test, details, created_at) "
            "ON CONFLICT DO NOTHING",
            [brand, server, *columns],
        )

    async def file(self, before: datetime, limit: int) -> int:
        """Move up to `limit` of the scope's payouts made before `before` into the filed half of the member
        index (ledger_members.py); returns how many moved, fewer than `limit` once none are left.

        What a row records never changes, only which index holds it. SQLite only (`Store.files_ledger`):
        PostgreSQL's bot role may not update the ledger, and an update there would leave a dead row version
        behind; 0 there.
        """
        if self._db.dialect != "sqlite":
            return 0
        return await self._db.execute(
            f"UPDATE {LEDGER} SET filed = TRUE WHERE rowid IN (SELECT rowid FROM {LEDGER} "
            "WHERE server_id = ? AND +brand_id = ? AND filed = FALSE AND created_at < ? LIMIT ?)",
            [self.scope.server_id, self.scope.brand_id, before, int(limit)],
        )

    async def _write_stats_sqlite(self, deltas: Mapping[str, Sequence[int]], now: datetime) -> None:
        """SQLite: one upsert per shape over the members as a JSON array (fixed text, prepared once per
        connection), started on the connection's thread while the caller goes on (`send`)."""
        brand, server = self.scope.brand_id, self.scope.server_id
        # Members grouped by which counters move: SQLite rewrites an index entry for every column an UPDATE
        # assigns, even to the same value, and the member stats carry a ranking index per counter; a batch
        # of messages must not rewrite every member's voice and claims entries.
        shapes: dict[tuple[bool, ...], list[list[Any]]] = {}
        for member, values in deltas.items():
            shapes.setdefault(tuple(v != 0 for v in values), []).append([member, *values])
        for shape, rows in shapes.items():
            moved = "".join(
                f"{c} = {STATS}.{c} + excluded.{c}, " for c, on in zip(_STATS_DELTAS, shape, strict=True) if on
            )
            await self._db.send(
                f"{_STATS_UPSERT_HEAD} SELECT ?, ?, {_items(0, 6)}, ?, ? FROM json_each(?) AS r WHERE TRUE "
                f"ON CONFLICT (server_id, discord_user_id) DO UPDATE SET {moved}updated_at = excluded.updated_at "
                f"WHERE {STATS}.brand_id = excluded.brand_id",
                [brand, server, now, now, rows],
            )


def _items(first: int, count: int = 1) -> str:
    """Items `first`.. of the JSON array row `r` (json_each), as SQL values: the columns of a batch written
    as one statement over a JSON array parameter."""
    return ", ".join(f"json_extract(r.value, '$[{n}]')" for n in range(first, first + count))
