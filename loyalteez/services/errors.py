"""Errors domain services raise for the adapter to turn into a short reply (never a traceback)."""

from __future__ import annotations

from collections.abc import Sequence


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
    """An event name that this server does not have; carries the closest existing names."""

    def __init__(self, name: str, suggestions: Sequence[str]) -> None:
        hint = f" Did you mean {', '.join(f'`{s}`' for s in suggestions)}?" if suggestions else ""
        super().__init__("event", f"there is no event called `{name}`.{hint}")
        self.name = name
        self.suggestions = tuple(suggestions)
