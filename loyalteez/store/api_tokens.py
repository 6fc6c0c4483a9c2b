"""Rows of the JSON API's bearer tokens: operator-level (a token belongs to a brand, not to one server).

Only the salt and the hash of a token's secret are stored; statements on this table never log their
parameters (logsafe), so a hash cannot reach a log file either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez import logsafe
from loyalteez.clock import Clock
from loyalteez.store.database import Database
from loyalteez.store.values import as_utc

TOKENS = "loyalteez_api_tokens"
logsafe.protect_statements_on((TOKENS,))


@dataclass(frozen=True, slots=True)
class ApiTokenRow:
    token_id: str
    brand_id: str
    label: str
    salt: str
    digest: str
    created_at: datetime | None
    revoked_at: datetime | None

    def __repr__(self) -> str:  # never print the salt or hash, even in a traceback
        return f"ApiTokenRow({self.token_id!r}, brand={self.brand_id!r}, revoked={self.revoked_at is not None})"


def _row(row: Any) -> ApiTokenRow:
    return ApiTokenRow(
        token_id=str(row["token_id"]),
        brand_id=str(row["brand_id"]),
        label=str(row["label"]),
        salt=str(row["token_salt"]),
        digest=str(row["token_hash"]),
        created_at=as_utc(row["created_at"]),
        revoked_at=as_utc(row["revoked_at"]),
    )


class ApiTokenRows:
    """Create, find, list and revoke API tokens (the command line makes them; the web server reads them)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def add(self, token_id: str, brand_id: str, label: str, salt: str, digest: str) -> None:
        await self.db.execute(
            f"INSERT INTO {TOKENS} (token_id, brand_id, label, token_salt, token_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [token_id, brand_id, label, salt, digest, self.clock.now()],
        )

    async def get(self, token_id: str) -> ApiTokenRow | None:
        row = await self.db.fetch_one(
            "SELECT token_id, brand_id, label, token_salt, token_hash, created_at, revoked_at "
            f"FROM {TOKENS} WHERE token_id = ?",
            [token_id],
        )
        return _row(row) if row else None

    async def of_brand(self, brand_id: str) -> list[ApiTokenRow]:
        """Every token of the brand, revoked ones too, oldest first."""
        rows = await self.db.fetch_all(
            "SELECT token_id, brand_id, label, token_salt, token_hash, created_at, revoked_at "
            f"FROM {TOKENS} WHERE brand_id = ? ORDER BY created_at, token_id",
            [brand_id],
        )
        return [_row(r) for r in rows]

    async def revoke(self, brand_id: str, token_id: str) -> bool:
        """True when this call revoked a working token of the brand."""
        changed = await self.db.execute(
            f"UPDATE {TOKENS} SET revoked_at = ? WHERE brand_id = ? AND token_id = ? AND revoked_at IS NULL",
            [self.clock.now(), brand_id, token_id],
        )
        return changed > 0
