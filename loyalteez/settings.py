"""Runtime settings from the environment and an optional `.env` file.

Kept in one frozen object built once at start-up, so nothing else reads
os.environ and tests can hand in exactly the settings they want.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "data/loyalteez.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingsError(ValueError):
    """A setting is present but unusable; the message names it."""


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = None
    db_path: str = DEFAULT_DB
    database_url: str | None = None
    log_level: str = "INFO"
    # Base URL of the Discord REST API; only changed to point the bot at the local emulator.
    discord_api_base: str | None = None

    @property
    def has_token(self) -> bool:
        return bool(self.discord_token)


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; blank lines and # comments are skipped, quotes stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
    """Environment variables win over `.env`, which wins over defaults."""
    merged: dict[str, str] = {}
    if dotenv is not None:
        merged.update(read_dotenv(dotenv))
    merged.update(os.environ if environ is None else environ)

    level = merged.get("LOYALTEEZ_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOYALTEEZ_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return Settings(
        discord_token=(merged.get("DISCORD_TOKEN") or "").strip() or None,
        db_path=(merged.get("LOYALTEEZ_DB") or DEFAULT_DB).strip(),
        database_url=(merged.get("LOYALTEEZ_DATABASE_URL") or "").strip() or None,
        log_level=level,
        discord_api_base=(merged.get("LOYALTEEZ_DISCORD_API") or "").strip() or None,
    )
