"""Achievement definitions and members' progress."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class AchievementsRepository(Repository):
    """Achievement definitions and members' progress of one server."""
