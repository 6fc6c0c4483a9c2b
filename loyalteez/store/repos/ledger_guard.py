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
message, never across a network wait. The guard also checks the server's config_version is the one the
engine's cached config has (repos/rewards.py), so a config changed by another process is never decided with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from loyalteez.store.pg_literals import render

# A result set's fingerprint: its rows' text, in a fixed order, hashed (the same expression both times).
DIGEST = "md5(COALESCE(string_agg(CAST(c AS TEXT), '|' ORDER BY CAST(c AS TEXT)), ''))"
_TAG = "$loyalteez_guard$"
CONFLICT_SQLSTATE = "40001"
# A server's config version (parameters: server_id, brand_id); 0 before it has a config row.
VERSION_SQL = "COALESCE((SELECT config_version FROM discord_server_configs WHERE server_id = ? AND brand_id = ?), 0)"
# The DETAIL of the conflict a stale config raises, followed by "<brand_id> <server_id>" (repos/rewards.py).
CONFIG_CHANGED = "loyalteez: reward config changed:"


def with_digest(sql: str, *, config_version: bool = False) -> str:
    """`sql`'s rows, each with the digest of them all (one row with NULLs and the digest when there are none);
    with `config_version`, also the server's (two more parameters after sql's: server_id, brand_id)."""
    version = f", {VERSION_SQL} AS config_version" if config_version else ""
    return (
        f"WITH c AS ({sql}) SELECT c.*, d.digest{version} FROM (SELECT {DIGEST} AS digest FROM c) AS d "
        "LEFT JOIN c ON TRUE"
    )


def proof(sql: str, params: Sequence[object], digest: str) -> str | None:
    """The guard's condition that the checks query still reads as it did; None when it cannot be written."""
    text = render(sql, params)
    if text is None or _TAG in text:
        return None
    return f"(SELECT {DIGEST} FROM ({text}) AS c) IS DISTINCT FROM '{digest}'"


def config_check(brand_id: str, server_id: str, version: int, budget: int | None) -> str | None:
    """The step that raises a conflict (its DETAIL names the server) when the server's config_version is no
    longer `version`, or the brand's budget no longer `budget`: what the caller decided with. None when it
    cannot be written as literal SQL."""
    current = render(VERSION_SQL, [server_id, brand_id])
    spent = render(
        "(SELECT ltz_budget FROM loyalteez_brands WHERE brand_id = ?) IS DISTINCT FROM ?", [brand_id, budget]
    )
    detail = render("?", [f"{CONFIG_CHANGED}{brand_id} {server_id}"])
    if current is None or detail is None or spent is None:
        return None
    changed = f"{current} <> {int(version)} OR {spent}"
    return (
        f"IF {changed} THEN RAISE EXCEPTION 'the server''s reward config changed' "
        f"USING ERRCODE = '{CONFLICT_SQLSTATE}', DETAIL = {detail}; END IF;"
    )


def config_block(brand_id: str, server_id: str, version: int, budget: int | None) -> str | None:
    """`config_check` alone, as a DO block (queued after the rewards lock on the locking path)."""
    step = config_check(brand_id, server_id, version, budget)
    if step is None or _TAG in step:
        return None
    return f"DO {_TAG} BEGIN\n{step}\nEND {_TAG}"


def guard_block(
    brand_id: str,
    server_id: str,
    *,
    lock_brand: bool,
    seen: Sequence[str],
    seen_on: date,
    proofs: Sequence[str],
    config_version: int | None = None,
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
    if config_version is not None:
        steps.append(config_check(brand_id, server_id, config_version, None))  # decided with no budget
    for condition in proofs:
        steps.append(
            f"IF {condition} THEN RAISE EXCEPTION 'payouts changed while the batch was decided' "
            f"USING ERRCODE = '{CONFLICT_SQLSTATE}'; END IF;"
        )
    if any(step is None or _TAG in step for step in steps):
        return None
    body = "\n".join(step for step in steps if step is not None)
    return f"DO {_TAG} DECLARE guard_rows BIGINT; BEGIN\n{body}\nEND {_TAG}"
