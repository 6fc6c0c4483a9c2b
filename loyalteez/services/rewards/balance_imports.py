"""Imported balances: points and messages a member earned in another bot, written around the refusal ladder.

Split from the rewards engine, which decides every payout through the ladder: this is the one documented
way around it. `RewardsEngine` (engine.py) inherits `import_balances`; the importers (services/importers)
build the `ImportedBalance` rows it writes, through the same ledger and stats write as payouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from loyalteez.ids import new_id
from loyalteez.services.rewards.config import BrandSpend
from loyalteez.store import Scope, Store


@dataclass(frozen=True, slots=True)
class ImportedBalance:
    """One member's balance from another bot, as `RewardsEngine.import_balances` writes it."""

    member_id: str
    amount: int  # LTZ added (0: only messages, a bookkeeping row)
    messages: int  # added to the member stats' messages_count
    idempotency_key: str
    details: dict[str, Any]


class BalanceImports:
    """`RewardsEngine.import_balances`, with what it needs of the engine declared here."""

    store: Store
    spend: BrandSpend

    async def import_balances(self, scope: Scope, event_type: str, rows: Sequence[ImportedBalance]) -> int:
        """The documented way around the refusal ladder: points and messages a member earned in another bot.

        Each row becomes one ledger row of `event_type` (real, never is_test) and moves the member stats
        (messages_count, ltz_earned) through the same batch write as payouts, in the caller's transaction
        when one is open. No rule, role bonus, streak, test mode or budget applies: the points were earned
        elsewhere. Imported history is not today's activity, so the daily rollups and the after-batch
        callbacks (achievements, goals) don't see it. A row whose idempotency key is already in the ledger
        is skipped. Returns the LTZ written.
        """
        data = self.store.scoped(scope)
        ledger: list[dict[str, Any]] = []
        stats: dict[str, list[int]] = {}
        async with self.store.transaction():
            await data.rewards.lock(brand=True)
            done = await data.ledger.paid_keys([r.idempotency_key for r in rows])
            for row in rows:
                if row.idempotency_key in done:
                    continue
                done.add(row.idempotency_key)
                ledger.append(
                    {
                        "id": new_id(),
                        "discord_user_id": row.member_id,
                        "event_type": event_type,
                        "amount": row.amount,
                        "idempotency_key": row.idempotency_key,
                        "is_test": False,
                        "details": {"source": "import", **row.details},
                    }
                )
                delta = stats.setdefault(row.member_id, [0, 0, 0, 0])
                delta[0] += row.messages
                delta[3] += row.amount
            if ledger:
                await data.ledger.write(ledger, stats)
        self.spend.forget(scope.brand_id)
        return sum(r["amount"] for r in ledger)
