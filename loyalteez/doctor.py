"""`python bot.py doctor`: check settings, database and token without connecting to Discord."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loyalteez.logsafe import redact_url
from loyalteez.settings import Settings
from loyalteez.store.backup import inspect_sqlite
from loyalteez.store.database import DatabaseError
from loyalteez.store.schema import latest_version

# A bot token is three base64url parts: the application id, a timestamp and an HMAC.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    detail: str


def check_token(settings: Settings) -> Finding:
    token = settings.discord_token
    if not token:
        return Finding(False, "token", "DISCORD_TOKEN is not set: `make run` will play the offline demo")
    if token.lower().startswith("bot "):
        return Finding(False, "token", "DISCORD_TOKEN starts with 'Bot ': put only the token itself")
    if not TOKEN_SHAPE.match(token):
        return Finding(False, "token", "DISCORD_TOKEN does not look like a bot token (three dot-separated parts)")
    return Finding(True, "token", "looks like a bot token (not checked with Discord)")


def check_database(settings: Settings) -> Finding:
    if settings.database_url:
        where = redact_url(settings.database_url)
        return Finding(True, "database", f"PostgreSQL at {where}: checked when the bot connects")
    path = Path(settings.db_path)
    if not path.exists():
        folder = path.parent if str(path.parent) else Path(".")
        writable = folder.exists() or folder.parent.exists()
        return Finding(
            writable,
            "database",
            f"{path} does not exist yet: it is created on first run"
            if writable
            else f"cannot create {path}: its folder is missing",
        )
    try:
        version, integrity = inspect_sqlite(path)
    except DatabaseError as exc:
        return Finding(False, "database", str(exc))
    if integrity != "ok":
        return Finding(False, "database", f"{path} fails PRAGMA integrity_check: {integrity}")
    if version is None:
        return Finding(False, "database", f"{path} has no schema version: not a Loyalteez database")
    if version > latest_version():
        return Finding(False, "database", f"schema {version} is newer than this bot ({latest_version()}): upgrade")
    note = "up to date" if version == latest_version() else f"will be upgraded to {latest_version()} on start"
    return Finding(True, "database", f"{path}: integrity ok, schema {version} ({note})")


CHECKS: tuple[Callable[[Settings], Finding], ...] = (check_token, check_database)


def run_doctor(settings: Settings) -> list[Finding]:
    return [check(settings) for check in CHECKS]
