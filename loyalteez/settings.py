"""Runtime settings from the environment and an optional `.env` file.

Kept in one frozen object built once at start-up, so nothing else reads
os.environ and tests can hand in exactly the settings they want.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from loyalteez.web.settings import WebSettings, WebSettingsError, read_web_settings

DEFAULT_DB = "data/loyalteez.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
CATCHUP_HOURS_MAX = 168.0
BACKUP_KEEP_MAX = 365


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
    # How far back the bot fetches messages it missed while down (0 = no catch-up).
    catchup_hours: float = 24.0
    # Test-only (LOYALTEEZ_EMULATOR_TIMINGS=1, loopback API only): py-cord's start-up and re-IDENTIFY waits
    # shortened for the local emulator, so crash tests can restart the bot many times a minute.
    emulator_timings: bool = False
    # The daily SQLite backup: how many to keep (0 = off) and where (default: backups/ beside the database).
    backup_keep: int = 0
    # Set only by `python bot.py replay`/`whatif` (never from the environment): see services/container.py.
    history_replay: bool = False
    backup_dir: str | None = None
    # The web dashboard served by the bot process (loyalteez/web): off unless load_settings turns it on.
    web: WebSettings = field(default_factory=WebSettings)

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
    raw_hours = (merged.get("LOYALTEEZ_CATCHUP_HOURS") or "").strip() or "24"
    try:
        catchup_hours = float(raw_hours)
    except ValueError:
        catchup_hours = -1.0
    if not 0 <= catchup_hours <= CATCHUP_HOURS_MAX:
        raise SettingsError(
            f"LOYALTEEZ_CATCHUP_HOURS must be a number of hours from 0 to {CATCHUP_HOURS_MAX:g}, not {raw_hours!r}"
        )
    raw_keep = (merged.get("LOYALTEEZ_BACKUP_KEEP") or "").strip() or "0"
    if not raw_keep.isdigit() or int(raw_keep) > BACKUP_KEEP_MAX:
        raise SettingsError(
            f"LOYALTEEZ_BACKUP_KEEP must be a whole number from 0 to {BACKUP_KEEP_MAX}, not {raw_keep!r}"
        )
    api_base = (merged.get("LOYALTEEZ_DISCORD_API") or "").strip() or None
    emulator_timings = (merged.get("LOYALTEEZ_EMULATOR_TIMINGS") or "").strip() == "1"
    if emulator_timings and not (api_base or "").startswith("http://127.0.0.1:"):
        raise SettingsError(
            "LOYALTEEZ_EMULATOR_TIMINGS is for tests against the local emulator only: "
            "set LOYALTEEZ_DISCORD_API to its http://127.0.0.1:PORT/api/v10 address"
        )
    try:
        web = read_web_settings(merged)
    except WebSettingsError as exc:
        raise SettingsError(str(exc)) from exc
    return Settings(
        discord_token=(merged.get("DISCORD_TOKEN") or "").strip() or None,
        db_path=(merged.get("LOYALTEEZ_DB") or DEFAULT_DB).strip(),
        database_url=(merged.get("LOYALTEEZ_DATABASE_URL") or "").strip() or None,
        log_level=level,
        discord_api_base=api_base,
        catchup_hours=catchup_hours,
        emulator_timings=emulator_timings,
        backup_keep=int(raw_keep),
        backup_dir=(merged.get("LOYALTEEZ_BACKUP_DIR") or "").strip() or None,
        web=web,
    )
