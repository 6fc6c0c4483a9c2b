"""The append-only audit trail of admin and system actions."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class AuditRepository(Repository):
    """The append-only audit trail of admin and system actions of one server."""
