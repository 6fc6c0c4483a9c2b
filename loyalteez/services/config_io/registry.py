"""The sections of a config file, one per area, registered by the area that owns them.

A config file (`/export type:config`, `python bot.py import-config`, replay rules) is a JSON object:
`version`, two informational keys (`exported_at`, `source`) and one top-level key per registered
section. Each area adds its own section without touching the exporter or the importer:

    from loyalteez.services.config_io.registry import Section, register

    register(Section(
        key="streaks",                      # the top-level key in the file
        description="Streak settings",      # one line, shown in the JSON Schema
        schema={"type": "object", ...},     # JSON Schema of the value (ranges derived from the service),
                                            # or a function building it when the schema is built
        export=export_streaks,              # async (data) -> the server's current value, JSON-ready
        apply=apply_streaks,                # async (data, value, actor_id) -> None: make the server match
        item_key=("name",),                 # lists: the fields naming an item (for the dry-run diff)
        order=100,                          # apply order, lower first (core sections use 10-70)
    ))

then add the module to PROVIDERS below and regenerate docs/config.schema.json
(`python -m loyalteez.services.config_io --write`; a test fails until it is current).

`apply` must go through the area's own admin service functions (their validation, their audit):
the importer runs every section in one transaction, folds the audit rows those functions write into
the import's single row, and rolls everything back for a dry run (what would change is the difference
between `export` before and after). Raise ValidationError for bad values; wrap each item's calls in
`field_errors(f"{key}[{i}]", {...})` so the message names the item's path. A section absent from a
file is left as it is.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from loyalteez.store import ScopedData

# Modules that register sections when imported. Each feature adds its own line.
PROVIDERS: tuple[str, ...] = (
    "loyalteez.services.config_io.core_events",
    "loyalteez.services.config_io.core_server",
    "loyalteez.services.config_io.sections_streaks",
    "loyalteez.services.config_io.sections_analytics",
    "loyalteez.services.config_io.sections_catalog",
)

Exporter = Callable[[ScopedData], Awaitable[Any]]
Applier = Callable[[ScopedData, Any, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    description: str
    schema: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    export: Exporter
    apply: Applier
    item_key: tuple[str, ...] = ()
    order: int = 100

    def json_schema(self) -> Mapping[str, Any]:
        """The value's JSON Schema as of now (a function: built from registries that can still grow)."""
        return self.schema() if callable(self.schema) else self.schema


_SECTIONS: dict[str, Section] = {}
RESERVED = frozenset({"version", "exported_at", "source"})


def register(section: Section) -> Section:
    """Add a section; its key must be new (re-registering the very same section is a no-op)."""
    if section.key in RESERVED:
        raise ValueError(f"{section.key!r} is a reserved top-level key")
    existing = _SECTIONS.get(section.key)
    if existing is not None and existing is not section:
        raise ValueError(f"a config section {section.key!r} is already registered")
    _SECTIONS[section.key] = section
    return section


def unregister(key: str) -> None:
    """Remove a section (tests that register a temporary one)."""
    _SECTIONS.pop(key, None)


def sections() -> list[Section]:
    """Every registered section in apply order (providers are imported on first use)."""
    for module in PROVIDERS:
        importlib.import_module(module)
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def section(key: str) -> Section:
    for candidate in sections():
        if candidate.key == key:
            return candidate
    raise KeyError(key)
