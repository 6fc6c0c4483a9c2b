"""What every import format parses into: one row per member, or a problem naming its line."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from loyalteez.services.config_io.errors import ConfigFileError
from loyalteez.services.errors import ValidationError
from loyalteez.services.importers import texts
from loyalteez.services.rewards import validation

MAX_POINTS = 1_000_000_000
MAX_MESSAGES = 100_000_000
_DIGITS = re.compile(r"[0-9]{1,19}")


class ImportFileError(ConfigFileError):
    """An import file with bad rows: every problem by line number; nothing was written."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    member_id: str
    points: int
    messages: int | None  # None: the file has no message counts (stats left as they are)
    extra: dict[str, Any] = field(default_factory=dict)  # kept in the ledger row's details (MEE6 xp, level)


@dataclass
class ParsedImport:
    format: str
    name: str
    sha256: str
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rate: Decimal | None = None
    _lines: dict[str, int] = field(default_factory=dict)

    @classmethod
    def start(cls, fmt: str, name: str, content: bytes, rate: Decimal | None = None) -> ParsedImport:
        return cls(fmt, name, hashlib.sha256(content).hexdigest(), rate=rate)

    def problem(self, line: int, text: str) -> None:
        self.problems.append(texts.line(line, text))

    def add(
        self,
        line: int,
        member: Any,
        points: Any,
        messages: Any = None,
        *,
        messages_given: bool = False,
        extra: dict[str, Any] | None = None,
        found: list[str] | None = None,
    ) -> None:
        """Check one member's values and keep the row, or record every problem of the line.

        `found`: problems the format already saw on this line (then `points` None is not one more).
        """
        found = list(found or [])
        member_id = ""
        try:
            member_id = validation.snowflake("discord_user_id", member)
        except ValidationError as exc:
            found.append(exc.message[:-1] + f" (got {texts.shown(member)}).")
        points_value = whole(points)
        if points is None:
            if not found:
                found.append(texts.missing("points"))
        elif points_value is None or points_value > MAX_POINTS:
            found.append(texts.whole_number("points", MAX_POINTS, points))
        messages_value = whole(messages)
        if messages_given and (messages_value is None or messages_value > MAX_MESSAGES):
            found.append(texts.whole_number("messages", MAX_MESSAGES, messages))
        if member_id and member_id in self._lines:
            found.append(texts.duplicate(member_id, self._lines[member_id]))
        if found:
            self.problems.extend(texts.line(line, p) for p in found)
            return
        self._lines[member_id] = line
        self.rows.append(
            ImportRow(line, member_id, int(points_value or 0), messages_value if messages_given else None, extra or {})
        )

    def finish(self) -> ParsedImport:
        """The parsed file, or ImportFileError listing every bad line (all or nothing)."""
        if not self.rows and not self.problems:
            self.problems.append(texts.line(1, texts.empty()))
        if self.problems:
            raise ImportFileError(self.name, self.problems)
        return self


def whole(value: Any) -> int | None:
    """A non-negative whole number from JSON (int) or CSV (digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None
