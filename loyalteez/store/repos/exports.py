"""Data in and out: exports one scope's rows a page at a time, by key (keyset paging); imports read back
what earlier imports paid.

OFFSET paging re-reads every skipped row, so exporting a big ledger would cost quadratic time; each page
here continues after the last row's key with a row-value comparison, an index range on both engines
(SQLite 3.15+, PostgreSQL). The key columns must identify a row (the table's order ends with its id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loyalteez.store.database import Row
from loyalteez.store.repos.base import Repository


@dataclass(frozen=True, slots=True)
class ExportTable:
    """Where one export kind's rows live and the order that pages through them."""

    name: str
    key: tuple[str, ...]


LEDGER = "loyalteez_reward_ledger"
EXPORT_TABLES: dict[str, ExportTable] = {
    # Orders follow an index of each table, so every page is an index range: the ledger and the audit log
    # oldest first (their server-and-time indexes end with the id); members by id.
    "rewards": ExportTable("loyalteez_reward_ledger", ("created_at", "id")),
    "audit": ExportTable("discord_audit_log", ("created_at", "id")),
    "users": ExportTable("discord_user_stats", ("discord_user_id",)),
}


@dataclass(frozen=True, slots=True)
class EventPayout:
    """One ledger payout of an event, as an import reads it back."""

    member_id: str
    amount: int
    details: dict[str, Any]


class ExportsRepository(Repository):
    """Exportable rows of one server, in key order, and what imports wrote."""

    async def event_payouts(self, event_type: str) -> list[EventPayout]:
        """Every payout of one event, oldest first by id (an import's event holds only imported balances)."""
        rows = await self._tables.select(LEDGER, {"event_type": event_type})
        return [
            EventPayout(
                str(r["discord_user_id"]), int(r["amount"]), r["details"] if isinstance(r.get("details"), dict) else {}
            )
            for r in rows
        ]

    async def page_snapshot(self, kind: str, after: Sequence[Any] | None, limit: int) -> list[Row]:
        """Up to `limit` rows of an export kind ordered by its key, after the row whose key values are `after`.

        Rows are passed through whole: an export is the table as it is. The next page continues after
        `key_values(kind, page[-1])`.
        """
        table = EXPORT_TABLES[kind]
        self._tables.catalog.check_columns(table.name, table.key)
        scope_sql, params = self._tables.scope_filter(table.name)
        columns = ", ".join(table.key)
        sql = f"SELECT * FROM {table.name} WHERE {scope_sql}"
        if after is not None:
            sql += f" AND ({columns}) > ({', '.join('?' * len(table.key))})"
            params.extend(after)
        return await self._db.fetch_all(f"{sql} ORDER BY {columns} LIMIT ?", [*params, int(limit)])

    @staticmethod
    def key_values(kind: str, row: Row) -> list[Any]:
        """The key of one exported row: where the next page starts."""
        return [row[c] for c in EXPORT_TABLES[kind].key]
