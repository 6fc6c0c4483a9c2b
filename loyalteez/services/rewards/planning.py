"""Turn a passive Discord event into a plan: which activity it counts and which events it may earn.

Counting and earning are separate on purpose: every message, reaction and voice minute in a counted
(not excluded) channel moves discord_user_stats, whether or not it earns anything, while bots, webhooks,
system messages and edits neither count nor earn.

Stats are deduplicated by an activity key stored in loyalteez_seen_events ('m:<message id>',
'r:<message>:<reactor>:<emoji>', 'v:<voice session>'), payouts by the ledger's idempotency key
('<discord id>:<event type>'), so a redelivered event neither counts nor pays twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from loyalteez.services.rewards.config import ServerRewards
from loyalteez.services.rewards.events import (
    BoostEvent,
    MessageEvent,
    PassiveEvent,
    ReactionEvent,
    VoiceSession,
)
from loyalteez.services.rewards.ladder import Candidate


@dataclass(frozen=True, slots=True)
class Plan:
    seen_key: str | None = None  # activity to count once; None: nothing to count
    member_id: str | None = None  # whose stats move
    deltas: tuple[int, int, int] = (0, 0, 0)  # messages, reactions, voice minutes
    candidates: tuple[Candidate, ...] = ()
    # A message or voice session seen before earns nothing more; a repeated reaction may still complete
    # a popular message (its payout is deduplicated by the ledger key instead).
    earns_only_when_new: bool = True


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
            Candidate(rule, member, f"{event.message_id}:{rule.event_type}", event.channel_id,
                      event.parent_channel_id)
            for rule in matched
        )
    return Plan(f"m:{event.message_id}", event.author_id, (1, 0, 0), candidates)


def plan_reaction(event: ReactionEvent, cfg: ServerRewards) -> Plan:
    if event.reactor_is_bot or cfg.is_excluded(event.channel_id, event.parent_channel_id):
        return NOTHING
    candidates: tuple[Candidate, ...] = ()
    if not event.author.is_bot and event.author.id != event.reactor_id:
        candidates = tuple(
            Candidate(rule, event.author, f"{event.message_id}:{rule.event_type}", event.channel_id,
                      event.parent_channel_id)
            for rule in cfg.reaction_rules
            if event.reactions_from_others >= rule.min_reactions
        )
    key = f"r:{event.message_id}:{event.reactor_id}:{event.emoji}"
    return Plan(key, event.reactor_id, (0, 1, 0), candidates, earns_only_when_new=False)


def plan_voice(event: VoiceSession, cfg: ServerRewards) -> Plan:
    if event.member.is_bot or cfg.is_excluded(event.channel_id, event.parent_channel_id):
        return NOTHING
    minutes = max(int(event.minutes), 0)
    candidates = tuple(
        Candidate(rule, event.member, f"{event.session_id}:{rule.event_type}", event.channel_id,
                  event.parent_channel_id)
        for rule in cfg.voice_rules
        if minutes >= rule.min_minutes
    )
    return Plan(f"v:{event.session_id}", event.member.id, (0, 0, minutes), candidates)


def plan_boost(event: BoostEvent, cfg: ServerRewards) -> Plan:
    if event.member.is_bot:
        return NOTHING
    # Boosts earn wherever Discord posts the notice: no channel checks.
    return Plan(candidates=tuple(
        Candidate(rule, event.member, f"{event.event_id}:{rule.event_type}") for rule in cfg.boost_rules
    ))
