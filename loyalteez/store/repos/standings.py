"""Balances, ranks, leaderboards and member stats totals."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class StandingsRepository(Repository):
    """Balances, ranks, leaderboards and member stats totals of one server."""
