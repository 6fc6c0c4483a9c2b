"""The tenant scope every server-owned read and write carries (the SQLite stand-in for RLS)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SNOWFLAKE = re.compile(r"^[0-9]{1,20}$")
_BRAND_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ScopeError(ValueError):
    """A scope was built from something that is not a brand id or a Discord server id."""


@dataclass(frozen=True, slots=True)
class Scope:
    """One brand's view of one Discord server.

    Every store method that touches a tenant table takes one; its SQL filters by
    both ids and stamps them on new rows, so no code path can see another tenant.
    """

    brand_id: str
    server_id: str

    def __post_init__(self) -> None:
        if not isinstance(self.brand_id, str) or not _BRAND_ID.match(self.brand_id):
            raise ScopeError(f"not a brand id: {self.brand_id!r}")
        if not isinstance(self.server_id, str) or not _SNOWFLAKE.match(self.server_id):
            raise ScopeError(f"not a Discord server id: {self.server_id!r}")

    def __str__(self) -> str:
        return f"brand {self.brand_id} / server {self.server_id}"
