"""When a passive event counts as having happened, and how a batch splits by UTC day.

A message applied within LATE_AFTER of being posted is live and decided at the clock's now; a later one
(replayed after a RESUME, fetched by the catch-up) is decided at its own time, so it meets the cooldowns
and daily limits of its own day. The batch engine then decides a batch day by day, older day first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from loyalteez.services.rewards.events import MessageEvent, PassiveEvent, ReactionEvent

# A message applied within this of being posted is live: decided (and stamped) at the clock's now.
LATE_AFTER = timedelta(seconds=2)


def posted_at(event: PassiveEvent) -> datetime | None:
    """When Discord says a message was posted (or a reaction added); None for events without a time."""
    posted: datetime | None
    if isinstance(event, MessageEvent):
        posted = event.created_at
    elif isinstance(event, ReactionEvent):
        posted = event.occurred_at
    else:
        return None
    return posted if posted is not None and posted.tzinfo is not None else None


def decided_at(event: PassiveEvent, now: datetime, late_after: timedelta = LATE_AFTER) -> datetime:
    """When an event counts as having happened: a late message's (or replayed reaction's) own time, else now.

    A history replay passes late_after=0: every message is then decided at its own timestamp however far
    the replay's clock has run ahead of it while the writer batched.
    """
    posted = posted_at(event)
    if posted is not None and posted < now - late_after:
        return posted
    return now


def by_day(indexes: Sequence[int], moments: Sequence[datetime]) -> list[list[int]]:
    """Indexes grouped by the UTC day of their moment, older days first, arrival order kept within a day."""
    days: dict[date, list[int]] = {}
    day_of: dict[datetime, date] = {}  # most events of a batch share one moment (now)
    for index, moment in zip(indexes, moments, strict=True):
        day = day_of.get(moment)
        if day is None:
            day = day_of[moment] = moment.astimezone(UTC).date()
        days.setdefault(day, []).append(index)
    return [days[day] for day in sorted(days)]
