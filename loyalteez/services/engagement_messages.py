"""Engagement wording not yet in a feature package; drops, achievements, goals and perks have their own
texts.py, and what they share is in services/common/texts.py (re-exported here for the modules still using
this one)."""

from __future__ import annotations

from loyalteez.services.common.texts import (
    BAD_EMOJI,
    BAD_LIFESPAN,
    LIFESPAN_RANGE,
    NOTHING_TO_CHANGE,
    amount_detail,
    bar,
    exists,
    not_an_id,
    one_of,
    out_of_range,
    required,
    span,
    too_long,
    unknown,
    when,
)

__all__ = [
    "BAD_EMOJI",
    "BAD_LIFESPAN",
    "LIFESPAN_RANGE",
    "NOTHING_TO_CHANGE",
    "amount_detail",
    "bar",
    "exists",
    "not_an_id",
    "one_of",
    "out_of_range",
    "required",
    "span",
    "too_long",
    "unknown",
    "when",
]
