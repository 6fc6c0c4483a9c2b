"""The seed data-model document, parsed: the contract schema.sql must keep."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_COPY = PROJECT_ROOT / "docs" / "seed-database-schema.txt"
SEED_SHARED = PROJECT_ROOT.parent / "shared" / "seed" / "database-schema.txt"
KPI_METRICS = (
    "daily_active_users",
    "weekly_active_users",
    "streak_retention",
    "new_user_conversion",
    "voice_participation",
    "reward_efficiency",
    "churn_rate",
    "top_10_concentration",
)


def seed_tables(path: Path = SEED_COPY) -> dict[str, list[str]]:
    """Table heading lines followed by `column TYPE` lines, as the document lays them out."""
    tables: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if re.fullmatch(r"(discord_[a-z_0-9]+|monitoring_rules)", text):
            current = tables.setdefault(text, [])
        elif current is not None and re.match(r"^[a-z_]+\s+[A-Z]", text):
            current.append(text.split()[0])
    return {table: cols for table, cols in tables.items() if cols}
