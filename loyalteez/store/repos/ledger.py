"""The rewards ledger and what the engine checks before paying: seen events, tallies, budgets."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class LedgerRepository(Repository):
    """The rewards ledger and what the engine checks before paying of one server."""
