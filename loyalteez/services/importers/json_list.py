"""A generic JSON list: `[{"id": "123", "points": 50, "messages": 10}, ...]` (messages optional)."""

from __future__ import annotations

from typing import Any

from loyalteez.services.importers import texts
from loyalteez.services.importers.json_lines import LineCounter, array_starts, skip
from loyalteez.services.importers.rows import ParsedImport

FIELDS = ("id", "points", "messages")
IGNORED = ("username", "name")  # often present in other bots' dumps; not kept


def parse(text: str, data: Any, parsed: ParsedImport) -> None:
    start = skip(text, 0)
    if not isinstance(data, list):
        parsed.problem(LineCounter(text).at(start), texts.json_list_expected())
        return
    lines = LineCounter(text)
    for offset, item in zip(array_starts(text, start), data, strict=True):
        line = lines.at(offset)
        if not isinstance(item, dict):
            parsed.problem(line, texts.object_expected())
            continue
        unknown = [k for k in item if k not in FIELDS and k not in IGNORED]
        if unknown:
            parsed.problem(line, texts.unknown_fields(unknown, FIELDS))
            continue
        if "id" not in item:
            parsed.problem(line, texts.missing("id"))
            continue
        parsed.add(line, item["id"], item.get("points"), item.get("messages"), messages_given="messages" in item)
