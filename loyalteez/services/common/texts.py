"""Wording shared by the engagement features: times, spans, progress bars, and input refusals.

Times use Discord's timestamp markup (`<t:unix:R>`), shown in each reader's own time zone. Refusals are
ValidationError messages; the bot capitalises the first letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from loyalteez.services.rewards.outcomes import Paid
from loyalteez.services.rewards.texts import bonus_detail


def when(moment: datetime) -> str:
    return f"<t:{int(moment.timestamp())}:R>"


def span(delta: timedelta | None) -> str:
    if delta is None:
        return "permanent"
    minutes = int(delta.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes // 60}h{minutes % 60}m" if minutes > 60 else f"{minutes}m"


def bar(value: float, target: float, width: int = 10) -> str:
    """A progress bar made of blocks: ▰▰▰▱▱▱▱▱▱▱."""
    filled = 0 if target <= 0 else min(width, int(width * max(value, 0) / target))
    return "▰" * filled + "▱" * (width - filled)


def amount_detail(paid: Paid) -> str:
    text = bonus_detail(paid)
    if paid.is_test:
        text += " Test mode: recorded as a test, not added to your balance."
    return text


BAD_LIFESPAN = "lifespan: use e.g. 5m, 2h, 24h or 1d (1 minute to 168 hours), or permanent."
LIFESPAN_RANGE = "lifespan must be from 1 minute to 168 hours (7 days), or permanent."
BAD_EMOJI = "emoji must be a single emoji such as 🎉, or a custom emoji of this server."
NOTHING_TO_CHANGE = "give at least one setting to change."


def required(field: str) -> str:
    return f"{field}: this option is required here."


def too_long(field: str, limit: int) -> str:
    return f"{field} must be 1 to {limit:,} characters."


def out_of_range(field: str, low: int, high: int, extra: str = "") -> str:
    return f"{field} must be from {low:,} to {high:,}{extra}."


def one_of(field: str, choices: Sequence[str]) -> str:
    return f"{field} must be one of {', '.join(choices)}."


def not_an_id(field: str) -> str:
    return f"{field} must be a Discord id (digits only)."


def unknown(kind: str, name: str, close: Sequence[str]) -> str:
    hint = f" Did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
    return f"there is no {kind} called `{name}` here.{hint}"


def exists(kind: str, name: str) -> str:
    return f"there is already a {kind} called `{name}`."
