"""Triggers paid by a command or by another feature's listener, never detected from a message's text."""

from __future__ import annotations

from loyalteez.services.rewards.triggers.base import Trigger

# Claimed with /claim, or paid by admins with /reward and by drops.
NONE = Trigger("none", "command", admin=True)
# Paid only by /drop drops and watched channels: /claim refuses it.
DROP = Trigger("drop", "drop", admin=True)
JOIN = Trigger("join", "join")  # /join
# Paid by the engagement commands and listeners, never by /claim.
DAILY = Trigger("daily", "command")  # /daily
STREAK_MILESTONE = Trigger("streak_milestone", "command")  # /streak claim
LEVEL_UP = Trigger("level_up", "message")  # another leveling bot's level-up announcement, once per level
