"""What a member can still earn: claimable events and cooldowns, from the same config the engine uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalteez.clock import start_of_day, utc_day
from loyalteez.services.rewards.events import Member
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope


@dataclass(frozen=True)
class EventStatus:
    event: str
    amount: int
    ready_at: datetime | None  # None: can earn now
    note: str = ""


async def claimable_events(rewards: Rewards, scope: Scope) -> list[str]:
    cfg = await rewards.engine.cache.get(rewards.engine.store.scoped(scope))
    return sorted(r.event_type for r in cfg.rules.values() if r.is_enabled and r.trigger == "none")


async def cooldowns(rewards: Rewards, scope: Scope, member: Member, now: datetime) -> list[EventStatus]:
    """Every enabled event with a cooldown, daily limit or lifetime cap, and when the member can earn it."""
    data = rewards.engine.store.scoped(scope)
    cfg = await rewards.engine.cache.get(data)
    claims = {row.event_type: row for row in await data.standings.last_claims(member.id)}
    today = await data.standings.claims_since(member.id, start_of_day(utc_day(now)))
    bonus = cfg.bonuses.for_roles(member.role_ids)
    statuses = []
    for rule in sorted(cfg.rules.values(), key=lambda r: r.event_type):
        if not rule.is_enabled:
            continue
        past = claims.get(rule.event_type)
        per_day = rule.metadata.get("max_per_day")
        ready: datetime | None = None
        note = ""
        if rule.max_claims_per_user and past and past.claims >= rule.max_claims_per_user:
            statuses.append(EventStatus(rule.event_type, rule.reward_amount, None, "already claimed (limit reached)"))
            continue
        if rule.cooldown_hours and past and past.last_at:
            ready = past.last_at + timedelta(hours=float(bonus.cooldown_hours(rule.cooldown_hours)))
        if per_day and today.get(rule.event_type, 0) >= int(per_day):
            ready = max(ready or now, start_of_day(utc_day(now)) + timedelta(days=1))
            note = f"{per_day} per day"
        if ready is not None and ready <= now:
            ready = None
        if rule.cooldown_hours or per_day or rule.max_claims_per_user:
            statuses.append(EventStatus(rule.event_type, rule.reward_amount, ready, note))
    return statuses
