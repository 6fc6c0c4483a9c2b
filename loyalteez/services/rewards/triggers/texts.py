"""Wording of the triggers: their `/config events` option descriptions and their details in the events list."""

from __future__ import annotations

KEYWORDS_OPTION = "For trigger keyword: comma-separated words"
MIN_LENGTH_OPTION = "For trigger min_length: characters, 10-2000"
MIN_REACTIONS_OPTION = "For trigger reaction_count: 3, 5, 7, 10, 15, 20 or 25"
MINUTES_PER_PAYOUT_OPTION = "For voice events: counted voice minutes per payout, 1-1,440"


def voice_summary(minutes: int) -> str:
    return f"per {minutes} counted minutes"
