"""Tests read and arrange any table directly; production code goes through named repositories."""

from __future__ import annotations

from loyalteez.store import ScopedData
from loyalteez.store._tables import ScopedTables


def tables(data: ScopedData | ScopedTables) -> ScopedTables:
    """The generic scoped table access behind a facade, for arranging rows and asserting on them."""
    return data if isinstance(data, ScopedTables) else data._tables
