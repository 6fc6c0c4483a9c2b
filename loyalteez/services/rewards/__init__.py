"""The rewards engine: reward events, the refusal ladder, role bonuses, the ledger.

Cogs use `Rewards` (service.py) for events and commands, `Rewards.admin` (admin.py) for the admin commands,
texts.py for every reply, and `install_default_rules` on `/setup connect`. The data-level admin functions
(admin_events, admin_server, admin_members) serve config import and tests inside their own transactions.
"""

from loyalteez.services.rewards.admin import EventInput, RewardsAdmin
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
    "EventInput",
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
    "RewardsAdmin",
    "RewardsEngine",
    "VoiceSession",
    "check_ledger",
    "install_default_rules",
]
