"""`python bot.py check`: recompute every member's ltz_earned from the ledger and report drift.

The ledger is the record of what was paid; the member stats' ltz_earned is a running total kept beside
it for fast reads. They must agree. Only real payouts since the server's connected_at are summed,
because disconnecting wipes stats (the ledger is kept forever), and test payouts never count.
"""

from __future__ import annotations

from dataclasses import dataclass

from loyalteez.store import Scope, Store


@dataclass(frozen=True, slots=True)
class Drift:
    brand_id: str
    server_id: str
    member_id: str
    ledger: int  # what the ledger says was paid
    stats: int  # what the member stats' ltz_earned says

    @property
    def difference(self) -> int:
        return self.stats - self.ledger


@dataclass(frozen=True, slots=True)
class LedgerReport:
    servers: int
    members: int
    drifts: tuple[Drift, ...]

    @property
    def ok(self) -> bool:
        return not self.drifts


async def check_ledger(store: Store) -> LedgerReport:
    """Compare ledger sums with ltz_earned for every member of every connected server (read-only)."""
    drifts: list[Drift] = []
    members = 0
    servers = await store.active_servers()
    for server in servers:
        scope = Scope(server["brand_id"], server["server_id"])
        data = store.scoped(scope)
        config = await data.server.config()
        totals = await data.ledger.totals(config.connected_at if config else None)
        earned = await data.ledger.earned()
        for member_id in sorted(set(totals) | set(earned)):
            members += 1
            ledger, stats = totals.get(member_id, 0), earned.get(member_id, 0)
            if ledger != stats:
                drifts.append(Drift(scope.brand_id, scope.server_id, member_id, ledger, stats))
    return LedgerReport(len(servers), members, tuple(drifts))
