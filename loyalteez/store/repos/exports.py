"""Pages of a server's rows for export and import."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class ExportsRepository(Repository):
    """Pages of a server's rows for export and import of one server."""
