"""What the engine answers: a payout with its arithmetic, or a refusal with its reason and sentence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class RefusalReason(StrEnum):
    """Why an event did not pay.

    The first ten are checked in this order (the eight specified reasons; channel and per-member cap each
    come in two kinds); the last four are about the request itself and come first.
    """

    EVENT_DISABLED = "event_disabled"
    MEMBER_DISABLED = "member_disabled"
    CHANNEL_EXCLUDED = "channel_excluded"
    CHANNEL_NOT_ALLOWED = "channel_not_allowed"
    COOLDOWN = "cooldown"
    USER_CAP = "user_cap"
    DAILY_CAP = "daily_cap"
    TOTAL_CAP = "total_cap"
    TEST_MODE = "test_mode"
    BUDGET = "budget"
    # Before the ladder: the request itself cannot be served.
    UNKNOWN_EVENT = "unknown_event"
    NOT_CLAIMABLE = "not_claimable"
    DUPLICATE = "duplicate"
    BOT = "bot"


@dataclass(frozen=True, slots=True)
class Breakdown:
    """How an amount was reached, kept in the ledger row's details and shown by the reply.

    amount = round_half_up((round_half_up(base × multiplier) + flat_bonus) × streak_multiplier); see bonuses.
    """

    base: int
    multiplier: float = 1.0
    multiplier_role: str | None = None
    flat_bonus: int = 0
    flat_bonus_role: str | None = None
    streak_multiplier: float = 1.0
    cooldown_reduction: int = 0
    cooldown_reduction_role: str | None = None
    manual: bool = False

    def as_json(self) -> dict[str, Any]:
        """The fields that differ from "no bonus" (the ledger keeps one such object per payout)."""
        return {k: v for k in self.__slots__ if (v := getattr(self, k)) != _NO_BONUS.get(k)}


_NO_BONUS: dict[str, Any] = {
    "multiplier": 1.0,
    "multiplier_role": None,
    "flat_bonus": 0,
    "flat_bonus_role": None,
    "streak_multiplier": 1.0,
    "cooldown_reduction": 0,
    "cooldown_reduction_role": None,
    "manual": False,
}


@dataclass(frozen=True, slots=True)
class Paid:
    amount: int
    event: str
    breakdown: Breakdown
    member_id: str
    is_test: bool = False
    ledger_id: str = ""


@dataclass(frozen=True, slots=True)
class Refused:
    reason: RefusalReason
    message: str
    event: str | None = None
    retry_at: datetime | None = None


Outcome = Paid | Refused


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """What one passive event did: whether it counted as activity, and each matching event's result.

    Passive refusals are silent (the adapter does not reply); they are returned for tests and logs.
    """

    counted: bool
    results: tuple[Outcome, ...] = ()

    @property
    def paid(self) -> tuple[Paid, ...]:
        return tuple(r for r in self.results if isinstance(r, Paid))
