"""How a benchmark hands its headline figures to `python -m bench all`, which joins them into one table.

A benchmark calls `publish` with its rows; when `all` started it (BENCH_RESULTS names a file), the rows
are appended there as JSON lines, otherwise nothing happens and the benchmark's own table is all there is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

ENV = "BENCH_RESULTS"


def publish(bench: str, rows: Iterable[tuple[str, str, str]]) -> None:
    """rows: (figure, value, compared with), as short text."""
    target = os.environ.get(ENV)
    if not target:
        return
    with Path(target).open("a", encoding="utf-8") as out:
        for figure, value, compared in rows:
            out.write(json.dumps({"bench": bench, "figure": figure, "value": value, "compared": compared}) + "\n")


def read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def table(rows: list[dict[str, str]]) -> str:
    """One table of every published row, bench by bench."""
    header = ("bench", "figure", "value", "compared with")
    cells = [header, *((r["bench"], r["figure"], r["value"], r["compared"]) for r in rows)]
    widths = [max(len(str(c[i])) for c in cells) for i in range(len(header))]
    lines = ["  ".join(str(c[i]).ljust(widths[i]) for i in range(len(header))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
