"""One server's data as its brand sees it: the feature mixins not yet moved to a repository."""

from __future__ import annotations

from loyalteez.store._tables import ScopedTables
from loyalteez.store.analytics_store import AnalyticsStoreMixin
from loyalteez.store.kpi_store import KpiStoreMixin
from loyalteez.store.repos.server import ServerLinkedElsewhere

# The server's own row (link, unlink) lives in repos/server.py; ServerLinkedElsewhere is re-exported here.
__all__ = ["ServerLinkedElsewhere", "ServerStore"]


class ServerStore(
    AnalyticsStoreMixin,
    KpiStoreMixin,
    ScopedTables,
):
    """The remaining feature mixins, until each has moved to its repository."""
