"""A generic CSV: `discord_user_id,points[,messages]`, one member a line, with or without a header.

A header is recognised by its first cell not being a Discord id; it may name the columns in any order
(discord_user_id | user_id | member_id | id, points, messages | message_count). Blank lines are skipped;
an empty messages cell means no count for that member.
"""

from __future__ import annotations

import csv
import io

from loyalteez.services.importers import texts
from loyalteez.services.importers.rows import ParsedImport

ALIASES = {
    "discord_user_id": "id",
    "user_id": "id",
    "member_id": "id",
    "id": "id",
    "points": "points",
    "messages": "messages",
    "message_count": "messages",
    "messages_count": "messages",
}


def parse(text: str, parsed: ParsedImport) -> None:
    reader = csv.reader(io.StringIO(text))
    columns: dict[str, int] | None = None
    width: int | None = None
    first = True
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if first:
            first = False
            if not cells[0].strip().isdigit():
                columns, width = _header(cells, line, parsed)
                if columns is None:
                    return
                continue
        if width is not None and len(cells) != width:
            parsed.problem(line, texts.csv_header_width(len(cells), width))
            continue
        if columns is None and len(cells) not in (2, 3):
            parsed.problem(line, texts.csv_width(len(cells)))
            continue
        where = columns or {"id": 0, "points": 1, **({"messages": 2} if len(cells) == 3 else {})}
        # messages is optional: an empty cell means this member's count is not given (left as it is)
        messages = cells[where["messages"]].strip() if "messages" in where else ""
        parsed.add(
            line,
            cells[where["id"]].strip(),
            cells[where["points"]].strip(),
            messages or None,
            messages_given=bool(messages),
        )


def _header(cells: list[str], line: int, parsed: ParsedImport) -> tuple[dict[str, int] | None, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = ALIASES.get(cell.strip().lower())
        if name is None:
            parsed.problem(line, texts.csv_unknown_column(cell.strip()))
            return None, 0
        columns[name] = index
    if "id" not in columns or "points" not in columns:
        parsed.problem(line, texts.csv_header_needs())
        return None, 0
    return columns, len(cells)
