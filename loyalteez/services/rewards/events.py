"""What the Discord adapter hands the rewards engine: plain values, no py-cord objects.

The adapter turns a gateway event or an interaction into one of these; the engine never sees Discord
types, so it can be tested (and benchmarked) without a client. Ids are Discord snowflakes as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Member:
    """A server member as far as rewards care: who, which roles, and what they may do."""

    id: str
    role_ids: tuple[str, ...] = ()
    is_admin: bool = False
    # Set by the adapter when it knows better (e.g. the server owner); the engine also treats holders of
    # the configured tester role as testers.
    is_tester: bool = False
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class MessageEvent:
    """A message posted (never an edit: edits keep their id and are ignored as already seen)."""

    message_id: str
    channel_id: str
    author_id: str
    author_roles: tuple[str, ...]
    content: str
    is_bot: bool
    is_webhook: bool
    is_system: bool
    created_at: datetime
    is_admin: bool = False
    # A thread's parent channel, so excluding or allowing a channel covers its threads too.
    parent_channel_id: str | None = None
    is_edit: bool = False

    @property
    def member(self) -> Member:
        return Member(self.author_id, self.author_roles, is_admin=self.is_admin, is_bot=self.is_bot)

    @property
    def never_counts(self) -> bool:
        """Bots, webhooks, system messages and edits never earn and are not activity."""
        return self.is_bot or self.is_webhook or self.is_system or self.is_edit


@dataclass(frozen=True, slots=True)
class ReactionEvent:
    """A reaction added by `reactor_id` to a message written by `author`.

    `reactions_from_others` is the adapter's count, after this reaction, of reactions on the message by
    members other than its author (bots excluded): it decides reaction-count events such as
    popular_message, which pay the author once per message.
    """

    message_id: str
    channel_id: str
    reactor_id: str
    emoji: str
    author: Member
    reactions_from_others: int
    reactor_is_bot: bool = False
    parent_channel_id: str | None = None
    # Set only by a history replay (exports list reactions without a time: they happen at their message's
    # time); live reactions happen when they arrive.
    occurred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VoiceSession:
    """A finished stay in a voice channel; `session_id` is unique per stay (the adapter mints it)."""

    session_id: str
    member: Member
    channel_id: str
    minutes: int
    parent_channel_id: str | None = None
    # The same minutes per UTC day they were counted on, oldest first (empty: all on the day the engine
    # applies the session). Daily figures split at midnight; the member's total does not care.
    day_minutes: tuple[tuple[date, int], ...] = ()


@dataclass(frozen=True, slots=True)
class BoostEvent:
    """A member boosted the server; `event_id` is the id of Discord's boost system message.

    `first`: the member's first boost on this server; `tier`: the premium tier (1-3) this boost made the
    server reach, 0 if none (Discord announces it with its own message type); `boosts`: how many boosts the
    message announces. They choose which boost event pays (see planning.plan_boost).
    """

    event_id: str
    member: Member
    channel_id: str | None = None
    first: bool = False
    tier: int = 0
    boosts: int = 1


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """`/claim event` (or `/join`, for the welcome event) typed by a member."""

    interaction_id: str
    member: Member
    event_type: str
    channel_id: str | None = None
    parent_channel_id: str | None = None


@dataclass(frozen=True, slots=True)
class ManualReward:
    """`/reward member event [amount] [reason]` typed by an admin."""

    interaction_id: str
    admin_id: str
    member: Member
    event_type: str
    amount: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Payout:
    """A payout for something the engine does not know: a drop claimed, an achievement's reward.

    `key` is the ledger idempotency key ('drop:<drop id>:<member>', 'achievement:<id>:<member>'), so it pays
    once however often it is asked. Without `amount` the event's reward with the member's bonuses is paid;
    with it, exactly that. `synthetic`: `event_type` is not a monitoring rule (pay `amount` under that name);
    `per_instance_total`: the event's max_total_claims is applied by the caller per drop, not event-wide.
    """

    key: str
    member: Member
    event_type: str
    source: str
    amount: int | None = None
    synthetic: bool = False
    per_instance_total: bool = False
    details: dict[str, object] | None = None


PassiveEvent = MessageEvent | ReactionEvent | VoiceSession | BoostEvent
