"""Persistence: the only package with SQL. Tenant rows only through `Store.scoped(Scope(...))`."""

from loyalteez.store._tables import ScopeViolation
from loyalteez.store.database import DatabaseError
from loyalteez.store.facade import ScopedData
from loyalteez.store.repos.server import ServerLinkedElsewhere
from loyalteez.store.schema import SchemaVersionError
from loyalteez.store.scope import Scope, ScopeError
from loyalteez.store.store import Store

__all__ = [
    "DatabaseError",
    "SchemaVersionError",
    "Scope",
    "ScopeError",
    "ScopeViolation",
    "ScopedData",
    "ServerLinkedElsewhere",
    "Store",
]
