"""Community goals and their progress state."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class GoalsRepository(Repository):
    """Community goals and their progress state of one server."""
