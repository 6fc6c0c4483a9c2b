"""Catch-up after downtime: members earn for what they said while the bot was away, and nothing twice."""

from loyalteez.services.catchup.service import (
    DEFAULT_WINDOW,
    CatchupReport,
    CatchupService,
    CaughtUpMessage,
    ChannelHistory,
    check_window,
    snowflake_at,
    snowflake_time,
)

__all__ = [
    "DEFAULT_WINDOW",
    "CatchupReport",
    "CatchupService",
    "CaughtUpMessage",
    "ChannelHistory",
    "check_window",
    "snowflake_at",
    "snowflake_time",
]
