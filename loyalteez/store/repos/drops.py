"""Drops, their claims and watched channels."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class DropsRepository(Repository):
    """Drops, their claims and watched channels of one server."""
