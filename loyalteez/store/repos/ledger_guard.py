"""Deciding a reward batch without holding its locks across the network (PostgreSQL).

The engine must not pay past a cap or twice: it reads tallies, decides, writes, and nobody may write the
same server's payouts in between. Holding the server's row lock from the read to the COMMIT costs every
other payer of that server two or three network round trips of waiting per batch; 20 ms away, that caps a
server at a few dozen payouts a second. Instead the reads run unlocked and the write starts with a guard:
one DO block, sent with the writes and the COMMIT in the same message, that takes the row locks (brand
before server, the engine's order), records the batch's activity keys and proves nothing it decided on
moved: every key new, and the checks query, run again under the lock, hashing to what the engine read.
Otherwise it raises a serialization failure (SQLSTATE 40001), the transaction rolls back whole, and the
engine decides the batch again the locking way. The locks are then held only while the server runs the
message, never across a network wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from loyalteez.store.pg_literals import render

# A result set's fingerprint: its rows' text, in a fixed order, hashed (the same expression both times).
DIGEST = "md5(COALESCE(string_agg(CAST(c AS TEXT), '|' ORDER BY CAST(c AS TEXT)), ''))"
_TAG = "$loyalteez_guard$"
CONFLICT_SQLSTATE = "40001"


def with_digest(sql: str) -> str:
    """`sql`'s rows, each with the digest of them all (one row with NULLs and the digest when there are none)."""
    return f"WITH c AS ({sql}) SELECT c.*, d.digest FROM (SELECT {DIGEST} AS digest FROM c) AS d LEFT JOIN c ON TRUE"


def proof(sql: str, params: Sequence[object], digest: str) -> str | None:
    """The guard's condition that the checks query still reads as it did; None when it cannot be written."""
    text = render(sql, params)
    if text is None or _TAG in text:
        return None
    return f"(SELECT {DIGEST} FROM ({text}) AS c) IS DISTINCT FROM '{digest}'"


def guard_block(
    brand_id: str,
    server_id: str,
    *,
    lock_brand: bool,
    seen: Sequence[str],
    seen_on: date,
    proofs: Sequence[str],
) -> str | None:
    """The DO block that locks, records the activity keys and checks the proofs; None when it cannot be
    written as literal SQL (the engine then decides the locking way)."""
    steps = []
    if lock_brand:
        steps.append(render("UPDATE loyalteez_brands SET updated_at = updated_at WHERE brand_id = ?;", [brand_id]))
    steps.append(
        render(
            "UPDATE discord_server_configs SET updated_at = updated_at WHERE server_id = ? AND brand_id = ?;",
            [server_id, brand_id],
        )
    )
    keys = list(dict.fromkeys(seen))
    if keys:
        steps.append(
            render(
                "INSERT INTO loyalteez_seen_events (brand_id, server_id, event_key, seen_on) SELECT ?, ?, j.value, ? "
                "FROM unnest(CAST(? AS TEXT[])) AS j(value) WHERE TRUE ON CONFLICT DO NOTHING;",
                [brand_id, server_id, seen_on, keys],
            )
        )
        steps.append("GET DIAGNOSTICS guard_rows = ROW_COUNT;")
        steps.append(
            f"IF guard_rows <> {len(keys)} THEN RAISE EXCEPTION 'activity was counted by another writer' "
            f"USING ERRCODE = '{CONFLICT_SQLSTATE}'; END IF;"
        )
    for condition in proofs:
        steps.append(
            f"IF {condition} THEN RAISE EXCEPTION 'payouts changed while the batch was decided' "
            f"USING ERRCODE = '{CONFLICT_SQLSTATE}'; END IF;"
        )
    if any(step is None or _TAG in step for step in steps):
        return None
    body = "\n".join(step for step in steps if step is not None)
    return f"DO {_TAG} DECLARE guard_rows BIGINT; BEGIN\n{body}\nEND {_TAG}"
