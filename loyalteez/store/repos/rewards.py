"""Reward configuration: events (monitoring rules), role bonuses, server metadata, disabled members."""

from __future__ import annotations

from loyalteez.store.repos.base import Repository


class RewardsRepository(Repository):
    """Reward configuration of one server."""
