"""A member's rows of the rewards ledger, read from both halves of the member index (rows move from the
small half to the big one in LedgerWrites.file, run by services/maintenance/ledger_filing.py).

The member index is two partial indexes (schema.sql, version 14): rows not yet filed (`filed = FALSE`,
where every payout is written) and filed rows (`filed = TRUE`, the history). Writing a batch then changes
pages of the small index only, which the batch's members share, instead of one page per member scattered
through the whole history; SQLite writes and syncs every page a commit changed, so this keeps the reward
path's cost flat as the ledger grows. Every per-member read runs its condition on each half, joined by
UNION ALL; each half names its flag as a literal, which is what lets the planner use its partial index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from loyalteez.store.scope import Scope

LEDGER = "loyalteez_reward_ledger"
HALVES = ("filed = TRUE", "filed = FALSE")
# The scope of a member read (parameters: `member_scope`). Without statistics (SQLite is never ANALYZEd
# here) the planner weighs the server-and-time index (server_id, brand_id, created_at, ...) equal to a
# member half and would read the server's whole window; the brand test as an expression (`brand_id || ''`)
# still filters but no longer ties the two.
MEMBER_SCOPE = "server_id = ? AND brand_id || '' = ?"


def member_scope(scope: Scope) -> list[Any]:
    """MEMBER_SCOPE's parameters."""
    return [scope.server_id, scope.brand_id]


def member_source(columns: str, where: str) -> str:
    """A FROM item, `l`: `columns` of the ledger rows matching `where` in both halves of the member index,
    for reads that group or count what both hold.

    `where` must pin server_id and discord_user_id (a value or a list), so each half is an index range;
    its parameters are passed once per half (`per_half`).
    """
    halves = " UNION ALL ".join(f"SELECT {columns} FROM {LEDGER} WHERE {where} AND {half}" for half in HALVES)
    return f"({halves}) AS l"


def newest_member_rows(columns: str, where: str) -> str:
    """The newest of a member's rows, paged: each half gives at most LIMIT + OFFSET rows in index order
    (so neither engine sorts a member's whole history), then the two are merged. `columns` must include
    created_at and id. Parameters: per_half(where's, [limit + offset]), then limit and offset."""
    order = "ORDER BY created_at DESC, id DESC"
    halves = " UNION ALL ".join(
        f"SELECT * FROM (SELECT {columns} FROM {LEDGER} WHERE {where} AND {half} {order} LIMIT ?) AS h{n}"
        for n, half in enumerate(HALVES)
    )
    return f"{halves} {order} LIMIT ? OFFSET ?"


def per_half(params: Sequence[Any]) -> list[Any]:
    """A member read's parameters, once for each half."""
    return [*params, *params]
