"""The server's own row: its link to a brand, life cycle and retention on disconnect."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class ServerRepository(Repository):
    """The server's own row of one server."""
