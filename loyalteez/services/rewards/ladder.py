"""The refusal ladder: may this member be paid this event now? Pure, so the order is easy to test.

Reasons are checked in this order and the first one that applies is the answer:
  1 event disabled · 2 member disabled by an admin · 3 channel excluded server-wide, or outside the
  event's allow-list · 4 per-member lifetime cap · 5 total cap (both "never again", so they come before a
  cooldown's "again at <time>") · 6 cooldown not over · 7 per-member cap per UTC day · 8 test mode on and
  the member is neither tester nor admin · 9 brand budget exhausted.
Steps 1–8 are here; step 9 needs the amount, which needs the (async) streak multiplier, so the engine
checks it right after with `over_budget`.

Cooldowns and caps count the ledger rows of the mode the server is in: in test mode only test payouts,
otherwise only real ones, so a tester meets the limits members will meet and trying an event out uses up
nothing real. Budgets count real payouts only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from loyalteez.clock import start_of_day, utc_day
from loyalteez.services.rewards import texts
from loyalteez.services.rewards.bonuses import MemberBonus
from loyalteez.services.rewards.config import ServerRewards
from loyalteez.services.rewards.events import Member
from loyalteez.services.rewards.outcomes import Breakdown, RefusalReason, Refused
from loyalteez.services.rewards.rules import Rule
from loyalteez.store.repos.ledger import Tally


@dataclass(slots=True)
class Candidate:
    """One (member, event) the engine will try to pay, keyed by what earned it."""

    rule: Rule
    member: Member
    key: str  # ledger idempotency key: Discord id of what earned it + ":" + event type
    channel_id: str | None = None
    parent_channel_id: str | None = None
    amount: int | None = None  # an admin's explicit amount: paid as is, without bonuses
    details: dict[str, Any] | None = None

    @property
    def limited(self) -> bool:
        """Whether past payouts matter (cooldown or caps), so the batch must load its tally."""
        r = self.rule
        return bool(r.cooldown_hours or r.max_claims_per_user or r.max_per_day)


@dataclass(slots=True)
class BatchState:
    """What the ledger said when the batch started, moved forward as the batch pays."""

    now: datetime
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    paid_keys: set[str] = field(default_factory=set)
    spent: int = 0
    paid_real: int = 0  # LTZ this batch paid for real (budget bookkeeping after commit)
    priced: dict[tuple[Any, ...], tuple[int, Breakdown, dict[str, Any]]] = field(default_factory=dict)

    @property
    def day_start(self) -> datetime:
        return start_of_day(utc_day(self.now))

    def window_start(self, candidates: list[Candidate]) -> datetime:
        """The earliest payout that can still matter: today's (daily caps) or the longest cooldown's."""
        longest = max((c.rule.cooldown_hours for c in candidates), default=0)
        return min(self.day_start, self.now - timedelta(hours=longest))

    def tally(self, member_id: str, event: str) -> Tally:
        return self.tallies.get((member_id, event)) or Tally(0, 0, None)

    def record(self, candidate: Candidate, amount: int, is_test: bool) -> None:
        event = candidate.rule.event_type
        key = (candidate.member.id, event)
        before = self.tally(*key)
        # max: a late message (decided at its own, earlier time) never moves the latest payout back.
        latest = self.now if before.last_at is None else max(before.last_at, self.now)
        self.tallies[key] = Tally(before.claims + 1, before.today + 1, latest)
        self.totals[event] = self.totals.get(event, 0) + 1
        self.paid_keys.add(candidate.key)
        if not is_test:
            self.spent += amount
            self.paid_real += amount


@lru_cache(maxsize=4096)
def refuse(reason: RefusalReason, event: str | None, retry_at: datetime | None = None) -> Refused:
    """A refusal and its sentence. Shared (it is immutable): a batch refuses the same event for the same
    reason, often until the same moment (a daily cap's midnight), thousands of times."""
    return Refused(reason, texts.refusal(reason, event, retry_at), event, retry_at)


def is_tester(member: Member, cfg: ServerRewards) -> bool:
    role = cfg.test_mode.tester_role_id
    return member.is_admin or member.is_tester or (role is not None and role in member.role_ids)


def check(candidate: Candidate, cfg: ServerRewards, state: BatchState) -> Refused | MemberBonus:
    """Steps 1–8 of the ladder; on success, the member's role bonus for the amount."""
    rule, member, event = candidate.rule, candidate.member, candidate.rule.event_type
    if not rule.is_enabled:
        return refuse(RefusalReason.EVENT_DISABLED, event)
    if member.id in cfg.disabled:
        return refuse(RefusalReason.MEMBER_DISABLED, event)
    channel, parent = candidate.channel_id, candidate.parent_channel_id
    if channel is not None:
        if cfg.is_excluded(channel, parent):
            return refuse(RefusalReason.CHANNEL_EXCLUDED, event)
        if rule.channels and channel not in rule.channels and parent not in rule.channels:
            return refuse(RefusalReason.CHANNEL_NOT_ALLOWED, event)
    bonus = cfg.bonuses.for_roles(member.role_ids)
    tally = state.tally(member.id, event)
    # Caps that mean "never again" come before the cooldown, whose "again at <time>" would not come true.
    if rule.max_claims_per_user is not None and tally.claims >= rule.max_claims_per_user:
        return refuse(RefusalReason.USER_CAP, event)
    cap = rule.max_total_claims
    if cap is not None and state.totals.get(event, 0) >= cap:
        return refuse(RefusalReason.TOTAL_CAP, event)
    if rule.cooldown_hours and tally.last_at is not None:
        ready = tally.last_at + timedelta(hours=float(bonus.cooldown_hours(rule.cooldown_hours)))
        if state.now < ready:
            return refuse(RefusalReason.COOLDOWN, event, ready)
    if rule.max_per_day is not None:
        today = tally.today if tally.last_at is not None and tally.last_at >= state.day_start else 0
        if today >= rule.max_per_day:
            return refuse(RefusalReason.DAILY_CAP, event, state.day_start + timedelta(days=1))
    if cfg.test_mode.enabled and not is_tester(member, cfg):
        return refuse(RefusalReason.TEST_MODE, event)
    return bonus


def over_budget(cfg: ServerRewards, state: BatchState, event: str, amount: int, is_test: bool) -> Refused | None:
    """Step 9: a real payout may not take the brand past its budget (test payouts don't spend it)."""
    if is_test or cfg.budget is None or state.spent + amount <= cfg.budget:
        return None
    return refuse(RefusalReason.BUDGET, event)
