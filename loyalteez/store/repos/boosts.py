"""Server boosts and their rewards."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class BoostsRepository(Repository):
    """Server boosts and their rewards of one server."""
