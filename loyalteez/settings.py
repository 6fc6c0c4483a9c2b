"""Runtime settings from the environment and an optional `.env` file.

Kept in one frozen object built once at start-up, so nothing else reads
os.environ and tests can hand in exactly the settings they want.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from loyalteez.process_settings import ProcessSettings, ProcessSettingsError, read_process_settings
from loyalteez.web.settings import WebSettings, WebSettingsError, read_web_settings

DEFAULT_DB = "data/loyalteez.db"
SQLITE_URL = "sqlite:///"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
LOG_MAX_BYTES_DEFAULT = 10_000_000
LOG_MAX_BYTES_MIN = 1024
LOG_BACKUPS_DEFAULT = 5
LOG_BACKUPS_MAX = 100
CATCHUP_HOURS_MAX = 168.0
BACKUP_KEEP_MAX = 365


class SettingsError(ValueError):
    """A setting is present but unusable; the message names it."""


@dataclass(frozen=True)
class Settings:
    # Secrets stay out of repr(): settings end up in tracebacks and debug lines.
    discord_token: str | None = field(default=None, repr=False)
    db_path: str = DEFAULT_DB
    database_url: str | None = field(default=None, repr=False)
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
    # Logs: to stderr, or to a file rotated by size; as text, or one JSON object per line.
    log_file: str | None = None
    log_format: str = "text"
    log_max_bytes: int = LOG_MAX_BYTES_DEFAULT
    log_backups: int = LOG_BACKUPS_DEFAULT
    # The application's id for the invite link; read from the token when unset.
    discord_client_id: str | None = None
    # The web dashboard served by the bot process (loyalteez/web): off unless load_settings turns it on.
    web: WebSettings = field(default_factory=WebSettings)
    # Shards this process serves and the scheduler's leader lease (several processes on one PostgreSQL).
    processes: ProcessSettings = field(default_factory=ProcessSettings)

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


def check_database_url(url: str | None) -> str | None:
    """Accept only a PostgreSQL URL that names its database, or sqlite:///path; never guess.

    Anything else used to become something: `garbage` a SQLite file of that name, `postgresql//x` nested
    folders, and `postgresql://` with no database libpq's default database, which then got the tables.
    """
    if url is None:
        return None
    if url.startswith(SQLITE_URL) and url.removeprefix(SQLITE_URL).strip("/"):
        return url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise SettingsError(
            "LOYALTEEZ_DATABASE_URL must be a postgresql:// URL naming the database, like "
            f"postgresql://USER@HOST:PORT/DATABASE, or sqlite:///PATH, not {_shown(url)!r}"
        )
    return url


def _shown(url: str) -> str:
    """The URL as typed, with anything that may be a password masked."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


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
    log_format = (merged.get("LOYALTEEZ_LOG_FORMAT") or "").strip().lower() or "text"
    if log_format not in LOG_FORMATS:
        raise SettingsError(f"LOYALTEEZ_LOG_FORMAT must be text or json, not {log_format!r}")
    log_max_bytes = _whole(merged, "LOYALTEEZ_LOG_MAX_BYTES", LOG_MAX_BYTES_DEFAULT, LOG_MAX_BYTES_MIN, None)
    log_backups = _whole(merged, "LOYALTEEZ_LOG_BACKUPS", LOG_BACKUPS_DEFAULT, 0, LOG_BACKUPS_MAX)
    db_path = (merged.get("LOYALTEEZ_DB") or DEFAULT_DB).strip()
    database_url = check_database_url((merged.get("LOYALTEEZ_DATABASE_URL") or "").strip() or None)
    if database_url is not None and database_url.startswith(SQLITE_URL):
        db_path, database_url = database_url.removeprefix(SQLITE_URL), None
    try:
        web = read_web_settings(merged)
    except WebSettingsError as exc:
        raise SettingsError(str(exc)) from exc
    try:
        processes = read_process_settings(merged)
    except ProcessSettingsError as exc:
        raise SettingsError(str(exc)) from exc
    return Settings(
        log_file=(merged.get("LOYALTEEZ_LOG_FILE") or "").strip() or None,
        log_format=log_format,
        log_max_bytes=log_max_bytes,
        log_backups=log_backups,
        discord_client_id=web.client_id,
        discord_token=(merged.get("DISCORD_TOKEN") or "").strip() or None,
        db_path=db_path,
        database_url=database_url,
        log_level=level,
        discord_api_base=api_base,
        catchup_hours=catchup_hours,
        emulator_timings=emulator_timings,
        backup_keep=int(raw_keep),
        backup_dir=(merged.get("LOYALTEEZ_BACKUP_DIR") or "").strip() or None,
        web=web,
        processes=processes,
    )


def _whole(merged: Mapping[str, str], name: str, default: int, low: int, high: int | None) -> int:
    """A whole-number setting within bounds; anything else names the setting and the range."""
    raw = (merged.get(name) or "").strip().replace("_", "") or str(default)
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise SettingsError(f"{name} must be a whole number {bounds}, not {raw!r}")
    return int(raw)
