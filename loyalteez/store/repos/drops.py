"""Drops, their claims and watched channels.

Nothing may oversell: a drop's claim slot is `UPDATE … SET claims_count = claims_count + 1 WHERE
claims_count < max_claims RETURNING` (a second writer waits for the row lock, then re-checks the condition
against the committed row), and a member's claim is the INSERT that the (drop, member) key lets through
once. Callers run these inside the transaction that also pays, so a refusal rolls all back, on PostgreSQL at
READ COMMITTED as on SQLite's single writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from loyalteez.store.pg_literals import render
from loyalteez.store.repos._shared import member_counts
from loyalteez.store.repos.drop_crowds import DropCrowds
from loyalteez.store.repos.drop_rows import (
    CLAIMS,
    DROPS,
    RULES,
    WATCHES,
    Drop,
    DropClaim,
    DropWatch,
    ReserveStatus,
)

__all__ = ["Drop", "DropClaim", "DropWatch", "DropsRepository", "ReserveStatus", "refused_ahead"]

LIVE_SHOWN = 100
# A reservation sent ahead (`DropsRepository.reserve_ahead`) that finds no slot fails its transaction with one of these.
_AHEAD_REFUSALS: dict[str, ReserveStatus] = {"LZD01": "claimed", "LZD02": "unavailable"}
_AHEAD_TAG = "$loyalteez_drop$"


class DropsRepository(DropCrowds):
    """Drops, their claims and watched channels of one server."""

    # -- drops ------------------------------------------------------------------------------------------------

    async def add(
        self,
        *,
        drop_id: str,
        event_id: str,
        drop_type: str,
        message_id: str,
        channel_id: str,
        emoji: str,
        expires_at: datetime | None,
        max_claims: int | None,
        created_by: str | None,
        created_at: datetime,
    ) -> Drop:
        row = {
            "drop_id": drop_id,
            "event_id": event_id,
            "drop_type": drop_type,
            "message_id": message_id,
            "channel_id": channel_id,
            "emoji": emoji,
            "expires_at": expires_at,
            "max_claims": max_claims,
            "created_by": created_by,
            "created_at": created_at,
        }
        await self._tables.insert(DROPS, row)
        return Drop.from_row(row)

    async def get(self, drop_id: str) -> Drop | None:
        row = await self.snapshot(drop_id)
        return Drop.from_row(row) if row is not None else None

    async def snapshot(self, drop_id: str) -> dict[str, Any] | None:
        """A drop's row as stored (audit before/after)."""
        return await self._tables.get(DROPS, {"drop_id": drop_id})

    async def live(self) -> list[Drop]:
        """Live drops, oldest first (the first hundred: what /drop list and its autocomplete show)."""
        rows = await self._tables.select(DROPS, {"ended_at": None}, order_by=("created_at",), limit=LIVE_SHOWN)
        return [Drop.from_row(r) for r in rows]

    async def live_reaction_drops(self) -> list[Drop]:
        rows = await self._tables.select(DROPS, {"ended_at": None, "drop_type": "reaction"})
        return [Drop.from_row(r) for r in rows]

    async def find_live(self, *, drop_id: str | None = None, message_id: str | None = None) -> Drop | None:
        """The live drop with this id, or on this message."""
        where: dict[str, Any] = {"drop_id": drop_id} if drop_id is not None else {"message_id": message_id}
        rows = await self._tables.select(DROPS, {**where, "ended_at": None}, limit=1)
        return Drop.from_row(rows[0]) if rows else None

    async def by_event(self, event_id: str) -> list[Drop]:
        return [Drop.from_row(r) for r in await self._tables.select(DROPS, {"event_id": event_id})]

    async def reserve(
        self, drop_id: str, member_id: str, claim_id: str, now: datetime
    ) -> tuple[ReserveStatus, Drop | None]:
        """Take one claim slot of a live drop for a member: ('ok', drop after), ('claimed', None) or
        ('unavailable', None) when it is full, ended or expired. Call inside the paying transaction: a
        refusal after 'ok' must roll back the claim row and the slot with it."""
        # Its row count, not RETURNING: a statement answered by row count travels with the BEGIN (one round trip).
        added = await self._db.execute(
            f"INSERT INTO {CLAIMS} (claim_id, drop_id, brand_id, server_id, discord_user_id, claimed_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (drop_id, discord_user_id) DO NOTHING",
            [claim_id, drop_id, self.scope.brand_id, self.scope.server_id, member_id, now],
        )
        if added < 1:
            return "claimed", None
        return await self._take_slot(drop_id, now)

    async def _take_slot(self, drop_id: str, now: datetime) -> tuple[ReserveStatus, Drop | None]:
        """Count a claim row just added against the drop, ending it when that fills it; 'unavailable' when
        the drop is not live with room (the caller's transaction then rolls the claim row back)."""
        scope_sql, scope_params = self._tables.scope_filter(DROPS)
        row = await self._db.fetch_one(
            f"UPDATE {DROPS} SET claims_count = claims_count + 1, ended_at = CASE WHEN max_claims IS NOT NULL "
            "AND claims_count + 1 >= max_claims THEN ? ELSE ended_at END "
            f"WHERE {scope_sql} AND drop_id = ? AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > ?) "
            "AND (max_claims IS NULL OR claims_count < max_claims) RETURNING *",
            [now, *scope_params, drop_id, now],
        )
        return ("ok", Drop.from_row(row)) if row is not None else ("unavailable", None)

    async def reserve_ahead(self, drop: Drop, member_id: str, claim_id: str, now: datetime) -> bool:
        """`reserve` as one statement sent with the paying transaction's next message (PostgreSQL, a drop
        with no claim limit): it raises when the member has claimed or the drop is no longer live, failing
        the whole transaction (`refused_ahead` tells which). The drop's row is then locked only while the
        server runs that message, never across a network wait: on a distant database a crowd clicking one
        drop is not served one round trip at a time. False when it cannot be sent so: call `reserve`."""
        in_transaction = getattr(self._db, "in_transaction", None)
        if self._db.dialect != "postgresql" or drop.max_claims is not None or not (in_transaction and in_transaction()):
            return False
        scope_sql, scope_params = self._tables.scope_filter(DROPS)
        claim = render(
            f"INSERT INTO {CLAIMS} (claim_id, drop_id, brand_id, server_id, discord_user_id, claimed_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (drop_id, discord_user_id) DO NOTHING",
            [claim_id, drop.drop_id, self.scope.brand_id, self.scope.server_id, member_id, now],
        )
        slot = render(
            f"UPDATE {DROPS} SET claims_count = claims_count + 1 WHERE {scope_sql} AND drop_id = ? "
            "AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
            [*scope_params, drop.drop_id, now],
        )
        if claim is None or slot is None or _AHEAD_TAG in claim + slot:
            return False
        claimed, unavailable = _AHEAD_REFUSALS
        await self._db.queue(
            f"DO {_AHEAD_TAG} BEGIN\n{claim};\nIF NOT FOUND THEN RAISE EXCEPTION 'already claimed' "
            f"USING ERRCODE = '{claimed}'; END IF;\n{slot};\nIF NOT FOUND THEN RAISE EXCEPTION 'drop not live' "
            f"USING ERRCODE = '{unavailable}'; END IF;\nEND {_AHEAD_TAG}"
        )
        return True

    async def end(self, drop_id: str, when: datetime) -> Drop | None:
        """End a live drop (by an admin); None when it had already ended."""
        scope_sql, params = self._tables.scope_filter(DROPS)
        row = await self._db.fetch_one(
            f"UPDATE {DROPS} SET ended_at = ? WHERE {scope_sql} AND drop_id = ? AND ended_at IS NULL RETURNING *",
            [when, *params, drop_id],
        )
        return Drop.from_row(row) if row is not None else None

    async def expire_due(self, now: datetime, drop_id: str | None = None) -> list[Drop]:
        """End every live drop (or just `drop_id`) whose time is up, at its expiry moment; returns them."""
        scope_sql, params = self._tables.scope_filter(DROPS)
        only = " AND drop_id = ?" if drop_id is not None else ""
        rows = await self._db.fetch_all(
            f"UPDATE {DROPS} SET ended_at = expires_at WHERE {scope_sql} AND ended_at IS NULL "
            f"AND expires_at IS NOT NULL AND expires_at <= ?{only} RETURNING *",
            [*params, now, *([drop_id] if drop_id is not None else [])],
        )
        return [Drop.from_row(r) for r in rows]

    # -- claims -----------------------------------------------------------------------------------------------

    async def has_claimed(self, drop_id: str, member_id: str) -> bool:
        return await self._tables.count(CLAIMS, {"drop_id": drop_id, "discord_user_id": member_id}) > 0

    async def claims(self, drop_id: str) -> list[DropClaim]:
        """A drop's claims, first first."""
        rows = await self._tables.select(CLAIMS, {"drop_id": drop_id}, order_by=("claimed_at",))
        return [DropClaim.from_row(r) for r in rows]

    async def claim_counts(self, member_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Drops each member has claimed (all members when None)."""
        return await member_counts(self._tables, CLAIMS, member_ids)

    # -- the events a drop may pay ----------------------------------------------------------------------------

    async def event_rule_rows(self) -> list[dict[str, Any]]:
        """The server's event rules as stored (the rewards rules resolve them), to check a drop's event."""
        return await self._tables.select(RULES)

    # -- watched channels ---------------------------------------------------------------------------------------

    async def watches(self) -> list[DropWatch]:
        return [DropWatch.from_row(r) for r in await self._tables.select(WATCHES, order_by=("created_at",))]

    async def watch(self, channel_id: str) -> DropWatch | None:
        row = await self.watch_snapshot(channel_id)
        return DropWatch.from_row(row) if row is not None else None

    async def watch_snapshot(self, channel_id: str) -> dict[str, Any] | None:
        """A channel's watch row as stored (audit before/after)."""
        return await self._tables.get(WATCHES, {"channel_id": channel_id})

    async def save_watch(
        self, *, channel_id: str, event_id: str, emoji: str, lifespan_minutes: int | None, created_by: str
    ) -> DropWatch:
        """Start (or replace) a channel's watch; returns it as stored."""
        row = {
            "channel_id": channel_id,
            "event_id": event_id,
            "emoji": emoji,
            "lifespan_minutes": lifespan_minutes,
            "created_by": created_by,
        }
        await self._tables.upsert(WATCHES, row, key=("server_id", "channel_id"))
        return await self.watch(channel_id) or DropWatch.from_row(row)

    async def remove_watch(self, channel_id: str) -> None:
        await self._tables.delete(WATCHES, {"channel_id": channel_id})


def refused_ahead(exc: BaseException) -> ReserveStatus | None:
    """Why a transaction carrying `reserve_ahead` failed, when that reservation found no slot (else None)."""
    return _AHEAD_REFUSALS.get(str(getattr(exc, "sqlstate", "")))
