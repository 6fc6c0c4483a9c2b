"""A config file read and validated: what import-config applies and replay's --rules loads."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loyalteez.services.config_io import schema
from loyalteez.services.config_io.errors import ConfigFileError
from loyalteez.services.config_io.registry import RESERVED


@dataclass(frozen=True)
class ConfigDocument:
    """A valid config file. `sections` holds the sections it has, by key (absent ones are left alone)."""

    version: int
    sections: dict[str, Any]
    name: str = "config"
    sha256: str = ""
    source: dict[str, Any] = field(default_factory=dict)


def parse_config(text: str, name: str = "config", *, against: Mapping[str, Any] | None = None) -> ConfigDocument:
    """Parse and validate a whole file against the JSON Schema; ConfigFileError lists every problem.

    `against` replaces the repo's schema (tests of sections not yet in it).
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigFileError(name, [f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."]) from exc
    if isinstance(raw, dict) and isinstance(raw.get("version"), int) and raw["version"] > schema.FORMAT_VERSION:
        raise ConfigFileError(
            name,
            [
                f"version: written by a newer bot (version {raw['version']}); this bot reads "
                f"version {schema.FORMAT_VERSION}. Upgrade the bot first."
            ],
        )
    found = schema.problems(raw, against)
    if found:
        raise ConfigFileError(name, found)
    sections = {k: v for k, v in raw.items() if k not in RESERVED}
    return ConfigDocument(
        raw["version"], sections, name, hashlib.sha256(text.encode()).hexdigest(), raw.get("source") or {}
    )


def read_config(path: str | Path, *, against: Mapping[str, Any] | None = None) -> ConfigDocument:
    """A config file from disk (UTF-8), validated; a missing or unreadable file is a ConfigFileError."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(str(path), [f"cannot be read: {getattr(exc, 'strerror', None) or exc}."]) from exc
    return parse_config(text, target.name, against=against)
