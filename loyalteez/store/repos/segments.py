"""Member segments: counts and pages of members by activity."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class SegmentsRepository(Repository):
    """Member segments of one server."""
