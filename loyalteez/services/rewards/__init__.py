"""The rewards engine: reward events, the refusal ladder, role bonuses, the ledger.

Cogs use `Rewards` (service.py) for events and commands, the admin_* functions for `/config`, texts.py
for every reply, and `install_default_rules` on `/setup connect`.
"""

from loyalteez.services.rewards.check import LedgerReport, check_ledger
from loyalteez.services.rewards.defaults import install_default_rules
from loyalteez.services.rewards.engine import RewardsEngine
from loyalteez.services.rewards.events import (
    BoostEvent,
    ClaimRequest,
    ManualReward,
    Member,
    MessageEvent,
    ReactionEvent,
    VoiceSession,
)
from loyalteez.services.rewards.outcomes import Breakdown, EventOutcome, Outcome, Paid, RefusalReason, Refused
from loyalteez.services.rewards.service import Rewards
from loyalteez.services.rewards.writer import RewardWriter

__all__ = [
    "BoostEvent",
    "Breakdown",
    "ClaimRequest",
    "EventOutcome",
    "LedgerReport",
    "ManualReward",
    "Member",
    "MessageEvent",
    "Outcome",
    "Paid",
    "ReactionEvent",
    "RefusalReason",
    "Refused",
    "RewardWriter",
    "Rewards",
    "RewardsEngine",
    "VoiceSession",
    "check_ledger",
    "install_default_rules",
]
