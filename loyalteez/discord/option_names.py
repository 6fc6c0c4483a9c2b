"""Refusals name a command's options as members see them in Discord (`flat-bonus`), not as code does.

Services name a bad value by their own field (`flat_bonus value`, `max_claims_per_user`); only the adapter
knows the command's option names, so it swaps a leading field for the option, in backticks and lower case,
and capitalises only sentences that start with an ordinary word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Service fields whose command option has another name.
FIELD_OPTIONS = {"max_claims_per_user": "max_claims", "cooldown_hours": "cooldown", "reward_amount": "reward"}
_SUBJECT = re.compile(r"^([a-z][a-z0-9_-]*)(?: value)?(?= must\b|:)")


def option_names(options: Iterable[Any]) -> dict[str, str]:
    """Parameter name, or option name, -> the option name shown in Discord."""
    names: dict[str, str] = {}
    for option in options:
        shown = str(option.name)
        for alias in (shown, shown.replace("-", "_"), getattr(option, "_parameter_name", shown)):
            names[alias] = shown
    for field, parameter in FIELD_OPTIONS.items():
        if parameter in names:
            names.setdefault(field, names[parameter])
    return names


def worded(message: str, options: Iterable[Any]) -> str:
    """The refusal as the member reads it: a leading option name in backticks, else a capital first letter."""
    found = _SUBJECT.match(message)
    if found is not None:
        shown = option_names(options).get(found.group(1))
        if shown is not None:
            return f"`{shown}`" + message[found.end() :]
    return message[:1].upper() + message[1:]
