"""Report schedules, their delivery state and the figures reports quote."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class ReportsRepository(Repository):
    """Report schedules, their delivery state and the figures reports quote of one server."""
