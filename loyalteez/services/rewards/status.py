"""What a member can still earn: claimable events and cooldowns, from the same config the engine uses.

Limits are read as the engine reads them (ladder.py): in test mode from test payouts, otherwise from real
ones, and a used-up cap ("never again", "all claims taken") wins over a cooldown's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from loyalteez.clock import start_of_day, utc_day
from loyalteez.services.rewards.events import Member
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope

State = Literal["ready", "later", "never", "all_taken"]


@dataclass(frozen=True)
class EventStatus:
    event: str
    amount: int
    ready_at: datetime | None  # None: can earn now (or never: see state)
    note: str = ""
    state: State = "ready"


async def claimable_events(rewards: Rewards, scope: Scope) -> list[str]:
    cfg = await rewards.engine.cache.get(rewards.engine.store.scoped(scope))
    return sorted(r.event_type for r in cfg.rules.values() if r.is_enabled and r.trigger == "none")


async def cooldowns(rewards: Rewards, scope: Scope, member: Member, now: datetime) -> list[EventStatus]:
    """Every enabled event with a cooldown, a daily limit or a cap, and when the member can earn it."""
    data = rewards.engine.store.scoped(scope)
    cfg = await rewards.engine.cache.get(data)
    is_test = cfg.test_mode.enabled
    claims = {row.event_type: row for row in await data.standings.last_claims(member.id, is_test=is_test)}
    today = await data.standings.claims_since(member.id, start_of_day(utc_day(now)), is_test=is_test)
    rules = sorted((r for r in cfg.rules.values() if r.is_enabled), key=lambda r: r.event_type)
    capped = [r.event_type for r in rules if r.max_total_claims is not None]
    totals = await data.ledger.event_totals(capped, is_test=is_test) if capped else {}
    bonus = cfg.bonuses.for_roles(member.role_ids)
    statuses = []
    for rule in rules:
        if not (rule.cooldown_hours or rule.max_per_day or rule.max_claims_per_user or rule.max_total_claims):
            continue
        past = claims.get(rule.event_type)
        per_day = rule.max_per_day
        if rule.max_claims_per_user and past and past.claims >= rule.max_claims_per_user:
            statuses.append(EventStatus(rule.event_type, rule.reward_amount, None, state="never"))
            continue
        total_cap = rule.max_total_claims
        if total_cap is not None and totals.get(rule.event_type, 0) >= total_cap:
            statuses.append(EventStatus(rule.event_type, rule.reward_amount, None, state="all_taken"))
            continue
        ready: datetime | None = None
        note = ""
        if rule.cooldown_hours and past and past.last_at:
            ready = past.last_at + timedelta(hours=float(bonus.cooldown_hours(rule.cooldown_hours)))
        if per_day and today.get(rule.event_type, 0) >= per_day:
            ready = max(ready or now, start_of_day(utc_day(now)) + timedelta(days=1))
            note = f"{per_day} per day"
        if ready is not None and ready <= now:
            ready = None
        state: State = "ready" if ready is None else "later"
        statuses.append(EventStatus(rule.event_type, rule.reward_amount, ready, note, state))
    return statuses
