"""Export a server's whole configuration, and import one (dry run or applied) through the sections.

An import is one admin action: every section runs in ONE transaction through its area's admin service
functions (so a value in the file is validated and applied exactly as the matching /config command
would), and the audit rows those functions write are gathered into the import's single row, which keeps
each section's state before and after. A dry run does the very same work and rolls it back, so what it
reports is exactly what --apply would change, refusals included.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from loyalteez.services.access import audit
from loyalteez.services.access.audit import ActorType
from loyalteez.services.config_io import diff
from loyalteez.services.config_io.audit_batch import OneAuditRow
from loyalteez.services.config_io.document import ConfigDocument
from loyalteez.services.config_io.registry import sections
from loyalteez.services.config_io.schema import FORMAT_VERSION
from loyalteez.store import ScopedData

IMPORT_ACTION = "config.imported"


async def export_config(data: ScopedData, now: datetime) -> dict[str, Any]:
    """Every registered section's current value, plus the version and where it came from."""
    config = await data.server.config()
    document: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "source": {
            "brand_id": data.scope.brand_id,
            "server_id": data.scope.server_id,
            "server_name": config.server_name if config else None,
        },
    }
    for section in sections():
        document[section.key] = await section.export(data)
    return document


def config_json(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class ConfigImport:
    changes: list[str]
    applied: bool
    audit_id: str | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)  # the admin actions it took (or would)


class _DryRun(Exception):
    def __init__(self, result: ConfigImport) -> None:
        super().__init__("dry run")
        self.result = result


async def import_config(
    data: ScopedData,
    document: ConfigDocument,
    *,
    apply: bool,
    actor_type: ActorType = "system",
    actor_id: str = "system",
) -> ConfigImport:
    """Make the server's config match the document's sections; with apply=False nothing is kept.

    A refused value raises ConfigFieldError naming its path, and nothing is written.
    """
    chosen = [s for s in sections() if s.key in document.sections]
    batch = OneAuditRow(data)
    try:
        async with data.rewards.transaction():
            before = {s.key: await s.export(data) for s in chosen}
            for section in chosen:
                await section.apply(batch, document.sections[section.key], actor_id)  # type: ignore[arg-type]
            after = {s.key: await s.export(data) for s in chosen}
            lines = [line for s in chosen for line in diff.changes(s, before[s.key], after[s.key])]
            if not apply:
                raise _DryRun(ConfigImport(lines, False, None, batch.actions))
            audit_id = None
            if lines:
                changed = [s.key for s in chosen if before[s.key] != after[s.key]]
                audit_id = await audit.record(
                    data,
                    actor_type=actor_type,
                    actor_id=actor_id,
                    action=IMPORT_ACTION,
                    details={
                        "file": document.name,
                        "sha256": document.sha256,
                        "sections": changed,
                        "changes": len(lines),
                        "actions": batch.actions,
                    },
                    before={k: before[k] for k in changed},
                    after={k: after[k] for k in changed},
                )
    except _DryRun as dry:
        return dry.result
    return ConfigImport(lines, True, audit_id, batch.actions)
