"""Checks for what perk managers type into /perk (the shared ones are in services/common/input.py)."""

from __future__ import annotations

from loyalteez.services.common import input as common

CATEGORY_MAX = 32
PERK_COST_RANGE = (1, 1_000_000)
PERK_QUANTITY_RANGE = (1, 1_000_000)  # -1 = unlimited


def quantity(value: int | None) -> int | None:
    """-1 = unlimited (None)."""
    if value == -1 and not isinstance(value, bool):
        return None
    return common.integer("quantity", value, PERK_QUANTITY_RANGE, " (-1 for unlimited)")


def category(value: str | None) -> str:
    """A perk's category, lower case; none given is general."""
    return (common.text("category", value, CATEGORY_MAX) or "general").lower()
