"""Per-channel cursors of the history already paid after downtime."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class CatchupRepository(Repository):
    """Per-channel cursors of the history already paid after downtime of one server."""
