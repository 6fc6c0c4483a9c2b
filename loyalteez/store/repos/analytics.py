"""Daily activity rollups and per-member analytics the KPIs are computed from."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class AnalyticsRepository(Repository):
    """Daily activity rollups and per-member analytics the KPIs are computed from of one server."""
