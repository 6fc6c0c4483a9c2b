"""Errors of config files, each naming the bad value by its JSON path (`events[2].reward_amount`).

Both kinds are ValidationErrors, so the CLI prints them as `Error: ...` (exit 2) and the bot's error
handler as a one-line reply, like any other refused input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

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
    return message[len(subject) + 1 :] if subject and message.startswith(subject + " ") else message


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


# -- services that word refusals "option: sentence" (streak settings, KPI targets) ---------------------------------


def plain(exc: ValidationError) -> str:
    """The service's sentence without its option's name ('multipliers: each factor …' -> 'each factor …')."""
    for name in (exc.field, exc.field.replace("_", "-")):
        if exc.message.startswith(f"{name}: "):
            return exc.message[len(name) + 2 :]
    return without_subject(exc.message, exc.field)


@contextmanager
def service_errors(prefix: str, fields: Mapping[str, str] | None = None) -> Iterator[None]:
    """field_errors for those services: the refusal becomes a ConfigFieldError at `prefix` + the field."""
    try:
        yield
    except ConfigFieldError:
        raise
    except ValidationError as exc:
        raise ConfigFieldError(join_path(prefix, (fields or {}).get(exc.field, exc.field)), plain(exc)) from exc


def sentence(check: Callable[[], Any]) -> str:
    """The sentence such a service answers a bad value with: the schema's x-message."""
    try:
        check()
    except ValidationError as exc:
        return plain(exc)
    raise AssertionError("the service accepted the value given as an example of a bad one")
