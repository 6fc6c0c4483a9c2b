"""The server's rewards ledger as admins read it: numbered pages newest first, and the whole of it as CSV.

The CSV is streamed a batch at a time (keyset paging), so a ledger of millions of payouts costs the web
server little memory and the first bytes leave at once.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import dataclass

from loyalteez.services.common.csv_cells import csv_line
from loyalteez.store import ScopedData
from loyalteez.store.repos.ledger_pages import LedgerRow

LEDGER_PAGE = 25
LEDGER_BATCH = 1000
LEDGER_COLUMNS = ("created_at", "discord_user_id", "event_type", "amount", "channel_id", "is_test", "id")


@dataclass(frozen=True)
class LedgerPage:
    rows: list[LedgerRow]
    page: int
    pages: int
    total: int


async def ledger_page(data: ScopedData, number: int) -> LedgerPage:
    """One page of payouts, newest first; a page past the end shows the last one."""
    total = await data.ledger.size()
    pages = max(1, math.ceil(total / LEDGER_PAGE))
    number = min(max(1, number), pages)
    return LedgerPage(await data.ledger.newest_page(LEDGER_PAGE, (number - 1) * LEDGER_PAGE), number, pages, total)


async def ledger_csv_stream(data: ScopedData) -> AsyncIterator[bytes]:
    yield csv_line(LEDGER_COLUMNS)
    after = None
    while True:
        rows = await data.ledger.newest(LEDGER_BATCH, after)
        if rows:
            yield b"".join(
                csv_line([r.created_at, r.member_id, r.event_type, r.amount, r.channel_id, r.is_test, r.row_id])
                for r in rows
            )
        if len(rows) < LEDGER_BATCH:
            return
        last = rows[-1]
        after = (last.created_at, last.row_id) if last.created_at else None
        if after is None:
            return
