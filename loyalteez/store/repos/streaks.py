"""Daily check-ins and streaks."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class StreaksRepository(Repository):
    """Daily check-ins and streaks of one server."""
