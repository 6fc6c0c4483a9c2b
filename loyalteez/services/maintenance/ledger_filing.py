"""Filing the rewards ledger: every hour, payouts older than 10 minutes move into the big half of the member index.

Every payout is written into a small index of unfiled rows, whose pages the members of a batch share; the
history lives in the big one. Were new rows written straight into the big index, each batch would change
one page per paying member scattered through the whole history, and SQLite writes and syncs every page a
commit changed: the chat's throughput would fall as the ledger grows (half of an empty database's rate at
10M payouts). Filing in bulk every hour changes each member's page of the big index once per run
instead of once per batch. Readers see no difference: every per-member read reads both halves
(store/repos/ledger_members.py). PostgreSQL files nothing (its bot role may not update the ledger).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from loyalteez.store import Scope, Store

log = logging.getLogger("loyalteez.ledger_filing")

# Hourly: each run costs a write turn per server even with little to file, and a history replay moves the
# clock through months (every 10 minutes cost a replay of 100k messages 6 % of its rate).
FILE_EVERY = timedelta(hours=1)
FRESH_FOR = timedelta(minutes=10)  # rows younger than this stay unfiled: the index batches write to stays small
CHUNK = 5_000  # rows per transaction: the write turn is never held long against the chat's batches
CHUNKS_PER_RUN = 60  # a first run after the upgrade files a big ledger over several runs, not in one go


class LedgerFiling:
    """Files every connected server's older payouts, a chunk per transaction, the servers in turn (a periodic
    job)."""

    def __init__(self, store: Store, *, chunk: int = CHUNK, chunks_per_run: int = CHUNKS_PER_RUN) -> None:
        self.store = store
        self.chunk = chunk
        self.chunks_per_run = chunks_per_run

    async def file_due(self, now: datetime) -> int:
        """File what is older than FRESH_FOR, at most chunks_per_run chunks' worth; returns the rows filed."""
        if not self.store.files_ledger:
            return 0
        before, budget = now - FRESH_FOR, self.chunk * self.chunks_per_run
        left = budget
        # Servers take turns a chunk at a time, so one busy server cannot keep the others from being filed.
        due = [
            self.store.scoped(Scope(link["brand_id"], link["server_id"])) for link in await self.store.active_servers()
        ]
        while due and left > 0:
            more = []
            for data in due:
                asked = min(self.chunk, left)
                if asked <= 0:
                    break
                async with self.store.transaction():
                    moved = await data.ledger.file(before, asked)
                left -= moved
                if moved == asked:
                    more.append(data)  # a full chunk: there may be more to file
            due = more
        filed = budget - left
        if filed:
            log.debug("filed %d ledger rows older than %s", filed, before.isoformat())
        return filed

    async def run(self, now: datetime) -> None:
        """The ticker's job (services/ticker.py)."""
        await self.file_due(now)
