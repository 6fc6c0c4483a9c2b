"""Errors domain services raise for the adapter to turn into a short reply (never a traceback)."""

from __future__ import annotations

from collections.abc import Sequence

# Ids that cannot make a scope are refused like a bad value; re-exported so the adapter needs no store import.
from loyalteez.store.scope import ScopeError

__all__ = ["ScopeError", "UnknownEventError", "ValidationError"]


class ValidationError(ValueError):
    """An admin gave a value outside what is allowed; nothing was changed.

    `field` names the option the admin typed (reward, cooldown, keywords, ...) so the reply can point at
    it; `message` is the sentence to show, already naming the allowed range.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class UnknownEventError(ValidationError):
    """An event name this server does not have; `suggestions` are the closest existing names."""

    def __init__(self, name: str, suggestions: Sequence[str], message: str) -> None:
        super().__init__("event", message)
        self.name = name
        self.suggestions = tuple(suggestions)
