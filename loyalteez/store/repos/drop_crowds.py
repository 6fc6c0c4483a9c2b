"""A crowd's clicks on one drop with no claim limit, written together: a few statements for all of them.

Claims sharing SQLite's one writer turn (services/rewards/turns.py) are reserved, given back and recorded
here in one statement each per drop, whatever the crowd: each statement awaited inside that turn waits for
the event loop to come round, and under overload that was about 200 ms a statement, for every click queued
behind the turn. SQLite passes the clicks as one JSON array (fixed statement text, prepared once per
connection); PostgreSQL as arrays through `unnest`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from loyalteez.store.repos.base import Repository
from loyalteez.store.repos.drop_rows import CLAIMS, DROPS, Drop, ReserveStatus
from loyalteez.store.sqlite_codecs import adapt_rows

# A click as the crowd's statements take it: (claim id, member, when clicked).
Click = tuple[str, str, datetime]


class DropCrowds(Repository):
    """Clicks on one live drop with no claim limit, reserved, given back and recorded together."""

    async def reserve_crowd(self, drop_id: str, clicks: Sequence[Click]) -> tuple[list[ReserveStatus], Drop | None]:
        """Take a claim slot for each click, in order: each one's status ('ok'; 'claimed' when the member's
        claim is there already, an earlier click of this crowd included; 'unavailable' when the drop was not
        live when they clicked) and the drop after the slots taken (None when none was).

        Writes nothing for a refused click, so claims decided together in one transaction can each be refused
        alone. Only a drop with no claim limit: a capped one refuses every click ('unavailable'), as a crowd
        could otherwise take more slots than it has left."""
        if not clicks:
            return [], None
        taken = await self._insert_claims(drop_id, clicks)
        after = await self._count_slots(drop_id, len(taken)) if taken else None
        refused = [member for (claim_id, member, _) in clicks if claim_id not in taken]
        there = await self._claimed_among(drop_id, refused) if refused else set()
        statuses: list[ReserveStatus] = [
            "ok" if claim_id in taken else "claimed" if member in there else "unavailable"
            for claim_id, member, _ in clicks
        ]
        return statuses, after

    async def give_back_crowd(self, drop_id: str, member_ids: Sequence[str]) -> None:
        """Give back the claims `reserve_crowd` took in this transaction for payouts that were refused."""
        if not member_ids:
            return
        scope_sql, scope_params = self._tables.scope_filter(CLAIMS, for_write=True)
        members_sql, members_params = self._in("discord_user_id", member_ids)
        removed = await self._db.execute(
            f"DELETE FROM {CLAIMS} WHERE {scope_sql} AND drop_id = ? AND {members_sql}",
            [*scope_params, drop_id, *members_params],
        )
        if removed:
            await self._count_slots(drop_id, -removed)

    async def set_claim_amounts(self, drop_id: str, amounts: Mapping[str, int]) -> None:
        """What the engine paid each member for their claim of the drop, on their claim rows. Sent to run
        while the caller goes on (`Database.send`): its error, if any, fails the transaction's COMMIT."""
        if not amounts:
            return
        brand, server = self.scope.brand_id, self.scope.server_id
        if self._db.dialect == "sqlite":
            # The scope columns unindexed (+): else SQLite, without statistics, searches the server's claims.
            await self._db.send(
                f"UPDATE {CLAIMS} SET reward_amount = json_extract(r.value, '$[1]') FROM json_each(?) AS r "
                f"WHERE +{CLAIMS}.brand_id = ? AND +{CLAIMS}.server_id = ? AND {CLAIMS}.drop_id = ? "
                f"AND {CLAIMS}.discord_user_id = json_extract(r.value, '$[0]')",
                [[[member, amount] for member, amount in amounts.items()], brand, server, drop_id],
            )
            return
        await self._db.send(
            f"UPDATE {CLAIMS} AS c SET reward_amount = v.amount FROM unnest(CAST(? AS TEXT[]), "
            "CAST(? AS NUMERIC[])) AS v(member, amount) WHERE c.brand_id = ? AND c.server_id = ? AND c.drop_id = ? "
            "AND c.discord_user_id = v.member",
            [list(amounts), list(amounts.values()), brand, server, drop_id],
        )

    async def _insert_claims(self, drop_id: str, clicks: Sequence[Click]) -> set[str]:
        """Insert the clicks' claim rows made while the drop was live; the claim ids that went in."""
        brand, server = self.scope.brand_id, self.scope.server_id
        live = (
            f"EXISTS (SELECT 1 FROM {DROPS} AS d WHERE d.brand_id = ? AND d.server_id = ? AND d.drop_id = ? "
            "AND d.ended_at IS NULL AND d.max_claims IS NULL AND (d.expires_at IS NULL OR d.expires_at > {at}))"
        )
        head = f"INSERT INTO {CLAIMS} (claim_id, drop_id, brand_id, server_id, discord_user_id, claimed_at) "
        tail = "ON CONFLICT (drop_id, discord_user_id) DO NOTHING RETURNING claim_id"
        if self._db.dialect == "sqlite":
            at = "json_extract(r.value, '$[2]')"
            rows = await self._db.fetch_all(
                f"{head}SELECT json_extract(r.value, '$[0]'), ?, ?, ?, json_extract(r.value, '$[1]'), {at} "
                f"FROM json_each(?) AS r WHERE {live.format(at=at)} {tail}",
                [drop_id, brand, server, adapt_rows([list(c) for c in clicks]), brand, server, drop_id],
            )
        else:
            ids, members, times = (list(column) for column in zip(*clicks, strict=True))
            rows = await self._db.fetch_all(
                f"{head}SELECT CAST(v.id AS UUID), CAST(? AS UUID), ?, ?, v.member, v.at "
                "FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TIMESTAMPTZ[])) "
                "WITH ORDINALITY AS v(id, member, at, n) "
                f"WHERE {live.format(at='v.at')} ORDER BY v.n {tail}",
                [drop_id, brand, server, ids, members, times, brand, server, drop_id],
            )
        return {str(r["claim_id"]) for r in rows}

    async def _count_slots(self, drop_id: str, taken: int) -> Drop | None:
        """Move the drop's claims count by `taken` (negative: given back); the drop after."""
        scope_sql, scope_params = self._tables.scope_filter(DROPS, for_write=True)
        row = await self._db.fetch_one(
            f"UPDATE {DROPS} SET claims_count = claims_count + ? WHERE {scope_sql} AND drop_id = ? RETURNING *",
            [taken, *scope_params, drop_id],
        )
        return Drop.from_row(row) if row is not None else None

    async def _claimed_among(self, drop_id: str, member_ids: Sequence[str]) -> set[str]:
        """Which of these members have a claim on the drop (in this transaction too)."""
        scope_sql, scope_params = self._tables.scope_filter(CLAIMS)
        members_sql, members_params = self._in("discord_user_id", member_ids)
        rows = await self._db.fetch_all(
            f"SELECT discord_user_id FROM {CLAIMS} WHERE {scope_sql} AND drop_id = ? AND {members_sql}",
            [*scope_params, drop_id, *members_params],
        )
        return {r["discord_user_id"] for r in rows}
