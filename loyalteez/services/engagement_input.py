"""Engagement option checks not yet in a feature package; drops, achievements, goals and perks have their
own input.py, and what they share is in services/common/input.py (re-exported here for the modules still
using this one)."""

from __future__ import annotations

from loyalteez.services.common.input import (
    DESCRIPTION_MAX,
    LIFESPAN_DEFAULT,
    LIFESPAN_MAX,
    LIFESPAN_MIN,
    NAME_MAX,
    choice,
    emoji,
    integer,
    is_uuid,
    lifespan,
    same_emoji,
    snowflake,
    text,
)

__all__ = [
    "DESCRIPTION_MAX",
    "LIFESPAN_DEFAULT",
    "LIFESPAN_MAX",
    "LIFESPAN_MIN",
    "NAME_MAX",
    "choice",
    "emoji",
    "integer",
    "is_uuid",
    "lifespan",
    "same_emoji",
    "snowflake",
    "text",
]
