"""Catch-up after downtime: the per-channel cursors.

A cursor is the snowflake of the newest message of a channel the bot has processed. It only moves
forward (the upsert's WHERE keeps the larger id), so batches committing out of order, or a catch-up
racing live messages, can never move it back. `advance` runs inside the caller's transaction: the
rewards engine calls it from the batch that processed the messages (see services/catchup/service.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from loyalteez.store.repos.base import Repository

CURSORS = "loyalteez_channel_cursors"


class CatchupRepository(Repository):
    """The per-channel catch-up cursors of one server."""

    async def cursors(self) -> dict[str, int]:
        """channel id -> newest processed message id, for this server."""
        return {r["channel_id"]: int(r["last_message_id"]) for r in await self._tables.select(CURSORS)}

    async def advance(self, newest: Mapping[str, int]) -> None:
        """Move each channel's cursor to `newest[channel]` unless it is already there or beyond."""
        if not newest:
            return
        now = self._clock.now()
        await self._db.queue_many(
            f"INSERT INTO {CURSORS} (brand_id, server_id, channel_id, last_message_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (server_id, brand_id, channel_id) DO UPDATE SET "
            "last_message_id = excluded.last_message_id, updated_at = excluded.updated_at "
            f"WHERE {CURSORS}.last_message_id < excluded.last_message_id",
            [
                (self.scope.brand_id, self.scope.server_id, channel, int(message_id), now)
                for channel, message_id in sorted(newest.items())
            ],
        )
