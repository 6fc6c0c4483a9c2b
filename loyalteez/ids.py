"""Application-generated ids: the schema never relies on a database-side UUID function."""

import os
import secrets
import uuid


def new_id() -> str:
    """A random UUID as text, valid for UUID columns on PostgreSQL and TEXT storage on SQLite."""
    return str(uuid.uuid4())


class _Ordered:
    """Ids in increasing order within a process: a random 64-bit prefix drawn per process, then a counter.

    Ledger rows are written by the thousand per batch: random ids scatter each batch over the whole primary
    key index (a page read and written per row once the ledger outgrows the cache), ordered ones append.
    The prefix keeps two processes (or two runs) apart; a forked child draws its own.
    """

    def __init__(self) -> None:
        self._pid = -1
        self._prefix = ""
        self._next = 0

    def __call__(self) -> str:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            prefix = f"{secrets.randbits(64):016x}"
            self._prefix = f"{prefix[:8]}-{prefix[8:12]}-{prefix[12:16]}-"
            self._next = secrets.randbits(32)
        self._next += 1
        tail = f"{self._next:016x}"
        return f"{self._prefix}{tail[:4]}-{tail[4:]}"


ordered_id = _Ordered()
"""A UUID-shaped id, increasing within this process (see _Ordered): for rows inserted in bulk."""
