"""Voice sessions and voice reward progress."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class VoiceRepository(Repository):
    """Voice sessions and voice reward progress of one server."""
