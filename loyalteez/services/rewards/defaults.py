"""The events every server starts with, installed when it connects.

  gm_checkin       25 LTZ, once per UTC day, for a morning greeting (gm, good morning, rise and shine…)
  gn_checkin       15 LTZ, once per UTC day, for a night greeting (gn, good night, sweet dreams…)
  quality_message  10 LTZ, ≥ 100 characters and ≥ 20 words, not a command; 1 h cooldown, 5 a day; off
  popular_message  25 LTZ when a message gets 5 reactions from other members; off
  welcome          50 LTZ, once per member, claimed with /join
  server_boost    500 LTZ per boost
  voice_activity   25 LTZ per 30 counted voice minutes (accumulated across sessions, paid by /voice claim),
                   once per UTC day (admins can edit both the amount and the minutes)
Engagement (daily check-ins, streaks, boost tiers, level-ups):
  daily_checkin    20 LTZ for /daily, once per UTC day (× the streak multiplier, like every reward)
  streak_milestone pays each streak milestone's own amount from /config streaks (7 → 50 … 365 → 5,000), once
                   per member and milestone, with /streak claim
  first_boost, tier_1_boost, tier_2_boost, tier_3_boost, boost_tier_upgrade: off; when on, a boost pays the
                   most specific one enabled instead of server_boost (see planning.plan_boost)
  level_up         50 LTZ per level announced by MEE6, Arcane, Tatsu or Lurkr, once per level; off

Servers connected before an event was added get it on the bot's next start (`install_default_rules` is
idempotent and runs for every connected server then), so a release adding an event reaches everyone.
"""

from __future__ import annotations

from typing import Any

from loyalteez.clock import Clock
from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.rewards import triggers
from loyalteez.store import Scope, ScopedData, Store

DEFAULT_RULES: tuple[dict[str, Any], ...] = (
    {
        "event_type": "gm_checkin",
        "reward_amount": 25,
        "is_enabled": True,
        "rule_metadata": {"trigger": "gm_greeting", "max_per_day": 1},
    },
    {
        "event_type": "gn_checkin",
        "reward_amount": 15,
        "is_enabled": True,
        "rule_metadata": {"trigger": "gn_greeting", "max_per_day": 1},
    },
    {
        "event_type": "quality_message",
        "reward_amount": 10,
        "cooldown_hours": 1,
        "is_enabled": False,
        "rule_metadata": {"trigger": "quality", "max_per_day": 5, "min_characters": 100, "min_words": 20},
    },
    {
        "event_type": "popular_message",
        "reward_amount": 25,
        "is_enabled": False,
        "rule_metadata": {"trigger": "reaction_count", "min_reactions": 5},
    },
    {
        "event_type": "welcome",
        "reward_amount": 50,
        "max_claims_per_user": 1,
        "is_enabled": True,
        "rule_metadata": {"trigger": "join"},
    },
    {"event_type": "server_boost", "reward_amount": 500, "is_enabled": True, "rule_metadata": {"trigger": "boost"}},
    {
        "event_type": "voice_activity",
        "reward_amount": 25,
        "is_enabled": True,
        "rule_metadata": {"trigger": "voice", "minutes_per_payout": 30, "max_per_day": 1},
    },
    {
        "event_type": "daily_checkin",
        "reward_amount": 20,
        "is_enabled": True,
        "rule_metadata": {"trigger": "daily", "max_per_day": 1},
    },
    {
        "event_type": "streak_milestone",
        "reward_amount": 0,
        "is_enabled": True,
        "rule_metadata": {
            "trigger": "streak_milestone",
            "description": "pays each milestone's amount from /config streaks",
        },
    },
    {"event_type": "first_boost", "reward_amount": 750, "is_enabled": False, "rule_metadata": {"trigger": "boost"}},
    {"event_type": "tier_1_boost", "reward_amount": 1000, "is_enabled": False, "rule_metadata": {"trigger": "boost"}},
    {"event_type": "tier_2_boost", "reward_amount": 1500, "is_enabled": False, "rule_metadata": {"trigger": "boost"}},
    {"event_type": "tier_3_boost", "reward_amount": 2500, "is_enabled": False, "rule_metadata": {"trigger": "boost"}},
    {
        "event_type": "boost_tier_upgrade",
        "reward_amount": 1000,
        "is_enabled": False,
        "rule_metadata": {"trigger": "boost"},
    },
    {"event_type": "level_up", "reward_amount": 50, "is_enabled": False, "rule_metadata": {"trigger": "level_up"}},
)


def default_row(spec: dict[str, Any]) -> dict[str, Any]:
    """A rule row for one default event (server scope and timestamps added by the store)."""
    metadata = {**spec["rule_metadata"], "builtin": True}
    return {
        "id": new_id(),
        "event_type": spec["event_type"],
        "reward_amount": spec["reward_amount"],
        "cooldown_hours": spec.get("cooldown_hours", 0),
        "max_claims_per_user": spec.get("max_claims_per_user"),
        "is_enabled": spec["is_enabled"],
        "detection_method": triggers.detection_method(metadata["trigger"]),
        "channel_constraints": [],
        "rule_metadata": metadata,
    }


async def install_default_rules(data: ScopedData, clock: Clock) -> list[str]:
    """Create the default events this server lacks; returns the names created (empty on a re-run).

    Idempotent: an event the server already has (its own, or a brand-wide rule) is left as it is, so a
    reconnect never undoes an admin's edits.
    """
    async with data.rewards.transaction():
        have = {row["event_type"] for row in await data.rewards.rule_rows()}
        created = []
        now = clock.now()
        for spec in DEFAULT_RULES:
            if spec["event_type"] in have:
                continue
            if await data.rewards.insert_rule({**default_row(spec), "created_at": now, "updated_at": now}):
                created.append(spec["event_type"])
        if created:
            await audit.record(
                data,
                actor_type="system",
                actor_id="system",
                action="rewards.defaults_installed",
                after={"events": created},
            )
    return created


async def install_everywhere(store: Store, clock: Clock) -> dict[str, list[str]]:
    """Give every connected server the default events it lacks (run at start-up); server id -> names added.

    This is how servers connected before a release added an event (daily_checkin, the boost tiers,
    level_up…) get it: the same idempotent install as on /setup connect, so nothing an admin changed moves.
    """
    added = {}
    for link in await store.active_servers():
        created = await install_default_rules(store.scoped(Scope(link["brand_id"], link["server_id"])), clock)
        if created:
            added[link["server_id"]] = created
    return added
