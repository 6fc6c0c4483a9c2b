"""Turn a passive Discord event into a plan: which activity it counts and which events it may earn.

Counting and earning are separate on purpose: every message, reaction and voice minute in a counted
(not excluded) channel moves the member stats, whether or not it earns anything, while bots, webhooks,
system messages and edits neither count nor earn.

Stats are deduplicated by an activity key stored with the ledger's seen events ('m:<message id>',
'r:<message>:<reactor>:<emoji>', 'v:<voice session>', 'b:<boost message>'), payouts by the ledger's idempotency key
('<discord id>:<event type>'), so a redelivered event neither counts nor pays twice.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from loyalteez.services.rewards.config import ServerRewards
from loyalteez.services.rewards.events import (
    BoostEvent,
    MessageEvent,
    PassiveEvent,
    ReactionEvent,
    VoiceSession,
)
from loyalteez.services.rewards.ladder import Candidate
from loyalteez.services.rewards.rules import Rule


class Plan(NamedTuple):
    """One event's plan. A tuple rather than a frozen dataclass: one is made per message on the hot path,
    and a frozen dataclass sets each field through object.__setattr__."""

    seen_key: str | None = None  # activity to count once; None: nothing to count
    member_id: str | None = None  # whose stats move
    deltas: tuple[int, int, int] = (0, 0, 0)  # messages, reactions, voice minutes
    candidates: tuple[Candidate, ...] = ()
    # A message or voice session seen before earns nothing more; a repeated reaction may still complete
    # a popular message (its payout is deduplicated by the ledger key instead).
    earns_only_when_new: bool = True
    day_minutes: tuple[tuple[date, int], ...] = ()  # voice minutes per UTC day (VoiceSession.day_minutes)


NOTHING = Plan()


def plan(event: PassiveEvent, cfg: ServerRewards) -> Plan:
    if isinstance(event, MessageEvent):
        return plan_message(event, cfg)
    if isinstance(event, ReactionEvent):
        return plan_reaction(event, cfg)
    if isinstance(event, VoiceSession):
        return plan_voice(event, cfg)
    if isinstance(event, BoostEvent):
        return plan_boost(event, cfg)
    raise TypeError(f"not a passive rewards event: {type(event).__name__}")


def plan_message(event: MessageEvent, cfg: ServerRewards) -> Plan:
    if event.never_counts or cfg.is_excluded(event.channel_id, event.parent_channel_id):
        return NOTHING
    content = event.content
    matched = [rule for rule, test in cfg.message_rules if test(content)]
    candidates: tuple[Candidate, ...] = ()
    if matched:
        member = event.member
        candidates = tuple(
            Candidate(rule, member, f"{event.message_id}:{rule.event_type}", event.channel_id, event.parent_channel_id)
            for rule in matched
        )
    return Plan(f"m:{event.message_id}", event.author_id, (1, 0, 0), candidates)


def plan_reaction(event: ReactionEvent, cfg: ServerRewards) -> Plan:
    # A reaction to one's own message is not taking part: it neither counts nor earns.
    own = event.author.id == event.reactor_id
    if own or event.reactor_is_bot or cfg.is_excluded(event.channel_id, event.parent_channel_id):
        return NOTHING
    candidates: tuple[Candidate, ...] = ()
    if not event.author.is_bot:
        candidates = tuple(
            Candidate(
                rule, event.author, f"{event.message_id}:{rule.event_type}", event.channel_id, event.parent_channel_id
            )
            for rule in cfg.reaction_rules
            if event.reactions_from_others >= rule.min_reactions
        )
    key = f"r:{event.message_id}:{event.reactor_id}:{event.emoji}"
    return Plan(key, event.reactor_id, (0, 1, 0), candidates, earns_only_when_new=False)


def plan_voice(event: VoiceSession, cfg: ServerRewards) -> Plan:
    """A finished voice session counts its minutes; it earns nothing by itself.

    Voice rules pay per `minutes_per_payout` counted minutes, accumulated across sessions, when the member
    runs /voice claim (services/voice/service.py pays them through `RewardsEngine.pay`), so a session
    only moves discord_user_stats.voice_minutes here, once per session id.
    """
    if event.member.is_bot or cfg.is_excluded(event.channel_id, event.parent_channel_id):
        return NOTHING
    minutes = max(int(event.minutes), 0)
    return Plan(f"v:{event.session_id}", event.member.id, (0, 0, minutes), day_minutes=event.day_minutes)


# Which boost event a boost pays, most specific first; only the first one enabled on the server pays.
BOOST_ORDER = ("tier_{tier}_boost", "first_boost", "boost_tier_upgrade", "server_boost")


def boost_rule(event: BoostEvent, cfg: ServerRewards) -> Rule | None:
    """The one boost event this boost pays: tier_N_boost (the server reached tier N), first_boost (the member's
    first), boost_tier_upgrade (any tier reached), server_boost (every boost), then any other boost-triggered
    event by name; the first of those that applies and is enabled, or None."""
    enabled = {rule.event_type: rule for rule in cfg.boost_rules}
    names = [
        name.format(tier=event.tier)
        for name in BOOST_ORDER
        if (event.tier or "tier" not in name) and (event.first or name != "first_boost")
    ]
    names += sorted(n for n in enabled if n not in names and n not in _BOOST_NAMES)
    return next((enabled[name] for name in names if name in enabled), None)


_BOOST_NAMES = frozenset(
    {"tier_1_boost", "tier_2_boost", "tier_3_boost", "first_boost", "boost_tier_upgrade", "server_boost"}
)


def plan_boost(event: BoostEvent, cfg: ServerRewards) -> Plan:
    if event.member.is_bot:
        return NOTHING
    # Boosts earn wherever Discord posts the notice: no channel checks. A redelivered notice earns nothing
    # (activity key 'b:<message id>'), even if the events were re-configured in between.
    rule = boost_rule(event, cfg)
    candidates = () if rule is None else (Candidate(rule, event.member, f"{event.event_id}:{rule.event_type}"),)
    return Plan(f"b:{event.event_id}", None, candidates=candidates)
