"""What a command or a payout asks the ladder to pay, before anything is read: its event's rule as this path
applies it (a synthetic one for an achievement's reward, a drop's without the event-wide cap), or why there is
nothing to decide (an unknown event, one not claimable this way). Shared by one command's transaction and by
commands sharing the writer's turn (turns.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from loyalteez.services.rewards import texts
from loyalteez.services.rewards.config import ServerRewards
from loyalteez.services.rewards.events import Member
from loyalteez.services.rewards.ladder import Candidate
from loyalteez.services.rewards.outcomes import RefusalReason, Refused
from loyalteez.services.rewards.rules import Rule, suggest


def candidate_for(
    cfg: ServerRewards,
    member: Member,
    event_type: str,
    interaction_id: str,
    trigger: str | None,
    channel: tuple[str | None, str | None] | None,
    amount: int | None,
    details: dict[str, Any] | None,
    key: str | None,
    synthetic: bool,
    per_instance_total: bool,
) -> Candidate | Refused:
    """What a command asks to be paid, or why it cannot be: its event is unknown or not claimable this way."""
    rule = cfg.rules.get(event_type)
    if synthetic:
        rule = synthetic_rule(event_type, amount or 0)
    elif rule is not None and per_instance_total and rule.max_total_claims is not None:
        rule = replace(rule, metadata={k: v for k, v in rule.metadata.items() if k != "max_total_claims"})
    if rule is None:
        # Suggest only what this command could pay: /claim never offers a boost or a drop event.
        payable = [n for n, r in cfg.rules.items() if r.is_enabled and trigger in (None, r.trigger)]
        return Refused(
            RefusalReason.UNKNOWN_EVENT, texts.unknown_event(event_type, suggest(event_type, payable)), event_type
        )
    if trigger is not None and rule.trigger != trigger:
        return Refused(RefusalReason.NOT_CLAIMABLE, texts.not_claimable(event_type, rule.trigger), event_type)
    channel_id, parent_id = channel or (None, None)
    return Candidate(
        rule, member, key or f"{interaction_id}:{event_type}", channel_id, parent_id, amount=amount, details=details
    )


def synthetic_rule(event_type: str, amount: int) -> Rule:
    """A payout that is no monitoring rule (an achievement's reward): no cooldown or caps of its own; the
    rest of the ladder (member disabled, test mode, budget) still applies."""
    return Rule(
        id="",
        event_type=event_type,
        reward_amount=amount,
        cooldown_hours=0,
        max_claims_per_user=None,
        is_enabled=True,
        trigger="none",
        channels=frozenset(),
        metadata={},
        server_id=None,
    )
