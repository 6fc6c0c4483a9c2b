"""KPI snapshots, targets and alert states."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class KpiRepository(Repository):
    """KPI snapshots, targets and alert states of one server."""
