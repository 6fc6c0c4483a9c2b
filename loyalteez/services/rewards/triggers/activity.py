"""Triggers fed by what members do besides writing: reactions their message gets, voice time, boosts.

The engine plans these from their own events (services/rewards/planning.py); voice minutes are counted
per session and paid by /voice claim.

rule_metadata keys they read:
  min_reactions      (reaction_count) reactions from other members the message must reach.
  minutes_per_payout (voice) counted voice minutes per payout, accumulated across sessions and paid by
                     /voice claim; older rules' min_minutes means the same. Default 30.
  min_minutes        (voice) the former name of minutes_per_payout.
"""

from __future__ import annotations

from typing import Any

from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.services.rewards.triggers import texts
from loyalteez.services.rewards.triggers.base import Trigger, TriggerOption
from loyalteez.services.rewards.validation import integer_in, refusal

REACTION_COUNTS = (3, 5, 7, 10, 15, 20, 25)
VOICE_MINUTES_RANGE = (1, 1_440)  # counted voice minutes per payout: up to a whole day


def check_min_reactions(value: Any) -> int:
    if isinstance(value, bool) or value not in REACTION_COUNTS:
        raise ValidationError("min_reactions", reward_texts.one_of("min_reactions", REACTION_COUNTS))
    return int(value)


def check_minutes_per_payout(value: Any) -> int:
    return integer_in("minutes_per_payout", value, *VOICE_MINUTES_RANGE, " minutes")


MIN_REACTIONS = TriggerOption(
    name="min_reactions",
    key="min_reactions",
    check=check_min_reactions,
    schema={"enum": list(REACTION_COUNTS), "x-message": refusal(lambda: check_min_reactions(0))},
    export=lambda rule: rule.min_reactions,
    description=texts.MIN_REACTIONS_OPTION,
)
MINUTES_PER_PAYOUT = TriggerOption(
    name="minutes_per_payout",
    key="minutes_per_payout",
    check=check_minutes_per_payout,
    schema={
        "type": "integer",
        "minimum": VOICE_MINUTES_RANGE[0],
        "maximum": VOICE_MINUTES_RANGE[1],
        "x-message": refusal(lambda: check_minutes_per_payout(0)),
    },
    export=lambda rule: rule.minutes_per_payout,
    description=texts.MINUTES_PER_PAYOUT_OPTION,
    former_keys=("min_minutes",),
)

REACTION_COUNT = Trigger("reaction_count", "reaction", admin=True, options=(MIN_REACTIONS,), required=(MIN_REACTIONS,))
VOICE = Trigger(
    "voice", "voice", options=(MINUTES_PER_PAYOUT,), summary=lambda rule: texts.voice_summary(rule.minutes_per_payout)
)
BOOST = Trigger("boost", "boost")
