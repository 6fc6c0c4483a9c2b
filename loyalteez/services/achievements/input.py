"""Limits of /achievement's options (checked with services/common/input.py)."""

from __future__ import annotations

TYPES = ("message_count", "voice_hours", "streak_days", "reactions_count", "ltz_earned", "checkins", "drops_claimed")
THRESHOLD_RANGE = (1, 1_000_000)
ACHIEVEMENT_REWARD_RANGE = (0, 10_000)
