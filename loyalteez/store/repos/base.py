"""What every feature repository shares: the scope's private table access and its siblings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from loyalteez.clock import Clock
from loyalteez.store._tables import ScopedTables
from loyalteez.store.database import Database
from loyalteez.store.scope import Scope

if TYPE_CHECKING:
    from loyalteez.store.facade import ScopedData


class Repository:
    """One feature's tables for one scope.

    The generic table access is held, not inherited, so a service sees only the named methods a
    repository chooses to offer. `_data` is the facade the repository belongs to, for the rare write
    that must touch a sibling feature's rows in the same transaction.
    """

    def __init__(self, tables: ScopedTables, data: ScopedData) -> None:
        self._tables = tables
        self._data = data

    @property
    def scope(self) -> Scope:
        return self._tables.scope

    @property
    def _db(self) -> Database:
        return self._tables.db

    @property
    def _clock(self) -> Clock:
        return self._tables.clock

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """`column IN (…)` and its parameters.

        SQLite: one JSON array parameter, so the statement's text, prepared once per connection, is the same
        for every batch size (the plan is the same index search per value as with a list). PostgreSQL: one
        parameter per value, so each statement is planned with its values; a fixed text made it fall back to
        a generic plan that scans far more of the ledger.
        """
        if self._db.dialect == "sqlite":
            return f"{column} IN (SELECT value FROM json_each(?))", [list(values)]
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)
