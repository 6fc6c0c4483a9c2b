"""What the batch path reads before it decides, and how a batch decided without the rewards locks is told apart.

`earning` says which plans count and may earn given the activity keys that are new; `check_args` what the
ladder must read for the candidates (one statement: see LedgerRepository.checks). A batch decided without
the locks (PostgreSQL: see BatchEngine.apply and store/repos/ledger_guard.py) reads them ahead of its
transaction (`Preloaded`) and raises `NeedsLocks` when something only the locks make safe comes up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from loyalteez.services.rewards.config import ServerRewards
from loyalteez.services.rewards.ladder import BatchState, Candidate
from loyalteez.services.rewards.planning import Plan
from loyalteez.store.repos.ledger import LedgerChecks, TallyGroup


def earning(plans: Sequence[Plan], new: set[str]) -> tuple[list[tuple[bool, bool]], list[Candidate]]:
    """(counted, may earn) per plan, given the activity keys that are new; and the candidates that may earn."""
    new = set(new)
    flags: list[tuple[bool, bool]] = []
    for p in plans:
        counted = p.seen_key is not None and p.seen_key in new
        if counted:
            new.discard(p.seen_key)  # a repeat inside the batch is a repeat too
        flags.append((counted, counted or p.seen_key is None or not p.earns_only_when_new))
    return flags, [c for p, (_, earns) in zip(plans, flags, strict=True) if earns for c in p.candidates]


CheckArgs = tuple[list[str], list[TallyGroup], list[str], datetime, datetime]
Preloaded = tuple[CheckArgs, LedgerChecks]  # checks read ahead, with what they were read for


def check_args(cfg: ServerRewards, state: BatchState, candidates: list[Candidate]) -> CheckArgs:
    """What the ladder must read for these candidates: paid keys, tally groups, capped events, the day."""
    limited = [c for c in candidates if c.limited]
    # Lifetime caps need every past payout; cooldowns and daily caps only the recent window, which
    # keeps this query's cost independent of how long the server has been earning.
    lifetime = [c for c in limited if c.rule.max_claims_per_user is not None]
    recent = [c for c in limited if c.rule.max_claims_per_user is None]
    groups = [
        TallyGroup([c.member.id for c in group], [c.rule.event_type for c in group], since)
        for group, since in ((lifetime, None), (recent, state.window_start(recent) if recent else None))
        if group
    ]
    capped = sorted({c.rule.event_type for c in candidates if c.rule.max_total_claims is not None})
    # One statement for all of it: each separate read would be a round trip to a remote database.
    return [c.key for c in candidates], groups, capped, state.day_start, state.day_start + timedelta(days=1)


class NeedsLocks(Exception):
    """This batch cannot be decided without the rewards locks: decide it again holding them."""
