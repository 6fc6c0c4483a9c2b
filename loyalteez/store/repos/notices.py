"""Announcements queued for a channel, delivered once."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class NoticesRepository(Repository):
    """Announcements queued for a channel, delivered once of one server."""
