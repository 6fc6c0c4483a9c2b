"""Application-generated ids: the schema never relies on a database-side UUID function."""

import uuid


def new_id() -> str:
    """A random UUID as text, valid for UUID columns on PostgreSQL and TEXT storage on SQLite."""
    return str(uuid.uuid4())
