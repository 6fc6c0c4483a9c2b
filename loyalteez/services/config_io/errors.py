"""Errors of config files, each naming the bad value by its JSON path (`events[2].reward_amount`).

Both kinds are ValidationErrors, so the CLI prints them as `Error: ...` (exit 2) and the bot's error
handler as a one-line reply, like any other refused input.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from loyalteez.services.errors import ValidationError

MAX_LISTED = 20  # problems printed for one file; the rest are counted


class ConfigFieldError(ValidationError):
    """One value the bot refuses, at `path` in the file; `message` names the allowed range."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)
        self.path = path


class ConfigFileError(ValidationError):
    """A file that is not a valid config as a whole: every problem found, one line each."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("file", self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return f"{self.source}: {self.problems[0]}"
        shown = self.problems[:MAX_LISTED]
        more = len(self.problems) - len(shown)
        lines = [f"{self.source} has {len(self.problems)} problems:", *(f"  {p}" for p in shown)]
        if more:
            lines.append(f"  … and {more} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


def without_subject(message: str, subject: str) -> str:
    """'reward must be from 1 to 10,000 LTZ.' -> 'must be from 1 to 10,000 LTZ.' when the path names it."""
    return message[len(subject) + 1:] if subject and message.startswith(subject + " ") else message


def join_path(prefix: str, name: str) -> str:
    if not name:
        return prefix
    if not prefix:
        return name
    return f"{prefix}{name}" if name.startswith("[") else f"{prefix}.{name}"


@contextmanager
def field_errors(prefix: str, fields: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn a service's ValidationError into a ConfigFieldError at `prefix`.

    `fields` maps the service's field names to the file's (`reward` -> `reward_amount`; "" = the prefix
    itself). Sections wrap each item's admin calls in this, so a refusal names the item's path.
    """
    try:
        yield
    except ConfigFieldError:
        raise
    except ValidationError as exc:
        name = (fields or {}).get(exc.field, exc.field)
        raise ConfigFieldError(join_path(prefix, name), without_subject(exc.message, exc.field)) from exc
