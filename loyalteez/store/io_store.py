"""SQL for exports, as a ServerStore mixin: one scope's rows a page at a time, by key (keyset paging).

OFFSET paging re-reads every skipped row, so exporting a big ledger would cost quadratic time; each page
here continues after the last row's key with a row-value comparison, an index range on both engines
(SQLite 3.15+, PostgreSQL). The key columns must identify a row (the table's order ends with its id).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Row


class IoStoreMixin(ScopedTables):
    async def io_page(self, table: str, key: Sequence[str], after: Sequence[Any] | None, limit: int) -> list[Row]:
        """Up to `limit` rows of `table` ordered by `key`, after the row whose key values are `after`."""
        self.catalog.check_columns(table, key)
        scope_sql, params = self.scope_filter(table)
        columns = ", ".join(key)
        sql = f"SELECT * FROM {table} WHERE {scope_sql}"
        if after is not None:
            sql += f" AND ({columns}) > ({', '.join('?' * len(key))})"
            params.extend(after)
        return await self.db.fetch_all(f"{sql} ORDER BY {columns} LIMIT ?", [*params, int(limit)])
