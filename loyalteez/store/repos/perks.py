"""The perk catalogue and purchases."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class PerksRepository(Repository):
    """The perk catalogue and purchases of one server."""
