"""The rewards ledger as people read it: a member's history, the server's ledger newest first, and the
totals the ledger check recomputes.

Apart from the engine's checks and writes (ledger.py) because these reads serve pages, exports and the
check, not the reward path; `LedgerRepository` inherits them, so callers reach both through `data.ledger`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.store.repos.base import Repository
from loyalteez.store.repos.ledger_members import (
    LEDGER,
    MEMBER_SCOPE,
    member_scope,
    member_source,
    newest_member_rows,
    per_half,
)
from loyalteez.store.values import as_utc

__all__ = ["LEDGER", "LedgerEntry", "LedgerPages", "LedgerRow"]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One payout as a member sees it in their reward history."""

    event_type: str
    amount: int
    channel_id: str | None
    is_test: bool
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One payout as admins read it in the server's ledger."""

    row_id: str
    created_at: datetime | None
    member_id: str
    event_type: str
    amount: int
    channel_id: str | None
    is_test: bool


_ROW_COLUMNS = "id, created_at, discord_user_id, event_type, amount, channel_id, is_test"


def _ledger_row(r: Mapping[str, Any]) -> LedgerRow:
    return LedgerRow(
        str(r["id"]),
        as_utc(r["created_at"]),
        str(r["discord_user_id"]),
        str(r["event_type"]),
        int(r["amount"]),
        r.get("channel_id"),
        bool(r["is_test"]),
    )


class LedgerPages(Repository):
    """A member's payouts and the server's ledger, one page (or export batch) at a time."""

    _MEMBER = f"{MEMBER_SCOPE} AND discord_user_id = ?"  # one member's payouts, from the member index

    async def history(self, member_id: str, limit: int, offset: int) -> list[LedgerEntry]:
        """A member's payouts, newest first, one page at a time (both halves of the member index)."""
        member = [*member_scope(self.scope), member_id]
        rows = await self._db.fetch_all(
            newest_member_rows("id, event_type, amount, channel_id, is_test, created_at", self._MEMBER),
            [*per_half([*member, int(limit) + int(offset)]), int(limit), int(offset)],
        )
        return [
            LedgerEntry(
                r["event_type"], int(r["amount"]), r.get("channel_id"), bool(r["is_test"]), as_utc(r["created_at"])
            )
            for r in rows
        ]

    async def history_size(self, member_id: str) -> int:
        member = [*member_scope(self.scope), member_id]
        return int(
            await self._db.fetch_value(
                f"SELECT COUNT(*) FROM {member_source('created_at', self._MEMBER)}", per_half(member)
            )
        )

    # -- the server's ledger, newest first (admins) ---------------------------------------------------------

    async def newest(self, limit: int, after: tuple[datetime, str] | None = None) -> list[LedgerRow]:
        """Payouts of every member, newest first, continuing below the (created_at, id) of the last one read.

        Keyset paging down the (server_id, created_at) index, so a page or a streamed export costs only
        the rows it reads.
        """
        sql, params = self._tables.scope_filter(LEDGER)
        if after is not None:
            sql += " AND (created_at, id) < (?, ?)"  # a row value: one index range on both engines
            params.extend(after)
        rows = await self._db.fetch_all(
            f"SELECT {_ROW_COLUMNS} FROM {LEDGER} WHERE {sql} ORDER BY created_at DESC, id DESC LIMIT ?",
            [*params, int(limit)],
        )
        return [_ledger_row(r) for r in rows]

    async def newest_page(self, limit: int, offset: int) -> list[LedgerRow]:
        """One numbered page of the same order (the dashboard's pager)."""
        sql, params = self._tables.scope_filter(LEDGER)
        rows = await self._db.fetch_all(
            f"SELECT {_ROW_COLUMNS} FROM {LEDGER} WHERE {sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
        return [_ledger_row(r) for r in rows]

    async def size(self) -> int:
        return await self._tables.count(LEDGER)

    # -- ledger check -----------------------------------------------------------------------------------------

    async def totals(self, since: datetime | None) -> dict[str, int]:
        """Real LTZ paid per member since `since` (None: ever), recomputed from the ledger."""
        scope_sql, params = self._tables.scope_filter(LEDGER)
        sql = f"SELECT discord_user_id, SUM(amount) AS total FROM {LEDGER} WHERE {scope_sql} AND is_test = ?"
        params.append(False)
        if since is not None:
            sql += " AND created_at >= ?"
            params.append(since)
        rows = await self._db.fetch_all(sql + " GROUP BY discord_user_id", params)
        return {r["discord_user_id"]: int(r["total"]) for r in rows}

    async def earned(self) -> dict[str, int]:
        """ltz_earned per member as discord_user_stats holds it."""
        scope_sql, params = self._tables.scope_filter("discord_user_stats")
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id, ltz_earned FROM discord_user_stats WHERE {scope_sql}", params
        )
        return {r["discord_user_id"]: int(r["ltz_earned"]) for r in rows}
