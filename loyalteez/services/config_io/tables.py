"""Data exports: the rewards ledger, the audit log and member stats as CSV or JSON (and the config).

Rows are read a page at a time (keyset paging, so a big ledger costs linear time) and written straight to
the output, so the CLI can export any size to a file, while /export stops as soon as the file outgrows
Discord's attachment limit and says so.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from loyalteez.services.config_io import texts
from loyalteez.services.config_io.exchange import config_json, export_config
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData

KINDS = ("rewards", "audit", "users", "config")
FORMATS = ("csv", "json")
ATTACHMENT_LIMIT = 25 * 1024 * 1024  # Discord's attachment size limit for bots
PAGE = 5000

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    derive: Callable[[Row], Row] | None = None


def _balance(row: Row) -> Row:
    return {**row, "balance": int(row.get("ltz_earned") or 0) - int(row.get("ltz_spent") or 0)}


# The columns of each export, in file order; the rows and their order come from the exports repository.
TABLES = {
    "rewards": Table(
        (
            "created_at",
            "discord_user_id",
            "event_type",
            "amount",
            "is_test",
            "channel_id",
            "idempotency_key",
            "details",
            "id",
        ),
    ),
    "audit": Table(
        (
            "created_at",
            "actor_type",
            "actor_id",
            "action",
            "target_user_id",
            "is_test",
            "details",
            "before_state",
            "after_state",
            "id",
        ),
    ),
    "users": Table(
        (
            "discord_user_id",
            "messages_count",
            "reactions_count",
            "voice_minutes",
            "ltz_earned",
            "ltz_spent",
            "balance",
            "created_at",
            "updated_at",
        ),
        _balance,
    ),
}


class ExportTooLarge(ValidationError):
    """The export outgrew the size limit (an attachment); nothing was sent."""

    def __init__(self, kind: str, server_id: str, limit: int) -> None:
        super().__init__("type", texts.too_large(kind, server_id, limit))


@dataclass(frozen=True)
class ExportFile:
    kind: str
    fmt: str
    filename: str
    content: bytes
    rows: int


def choose(kind: str, fmt: str | None) -> tuple[str, str]:
    """The kind and format asked for, checked; csv is the default for tables, json for the config."""
    if kind not in KINDS:
        raise ValidationError("type", texts.one_of("type", KINDS))
    if fmt is not None and fmt not in FORMATS:
        raise ValidationError("format", texts.one_of("format", FORMATS))
    if kind == "config":
        if fmt == "csv":
            raise ValidationError("format", texts.config_is_json())
        return kind, "json"
    return kind, fmt or "csv"


def filename(kind: str, fmt: str, server_id: str, now: datetime) -> str:
    return f"loyalteez-{kind}-{server_id}-{now:%Y%m%d-%H%M%S}.{fmt}"


class _Sink:
    """Counts what is written and stops at the limit."""

    def __init__(self, out: BinaryIO, limit: int | None, on_full: Callable[[], Exception]) -> None:
        self.out, self.limit, self.on_full, self.size = out, limit, on_full, 0

    def write(self, text: str) -> None:
        data = text.encode()
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise self.on_full()
        self.out.write(data)


async def write_export(
    data: ScopedData, kind: str, fmt: str | None, now: datetime, out: BinaryIO, *, limit: int | None = None
) -> int:
    """Write one export to `out`; returns the rows written (the config counts as one)."""
    kind, fmt = choose(kind, fmt)
    sink = _Sink(out, limit, lambda: ExportTooLarge(kind, data.scope.server_id, limit or 0))
    if kind == "config":
        sink.write(config_json(await export_config(data, now)).decode())
        return 1
    table = TABLES[kind]
    header = {
        "type": kind,
        "version": 1,
        "brand_id": data.scope.brand_id,
        "server_id": data.scope.server_id,
        "exported_at": now.isoformat(),
        "columns": list(table.columns),
    }
    if fmt == "csv":
        sink.write(_csv_line(table.columns))
    else:
        sink.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "rows": [')
    rows = 0
    after: list[Any] | None = None
    while True:
        page = await data.exports.page_snapshot(kind, after, PAGE)
        for raw in page:
            row = table.derive(raw) if table.derive else raw
            if fmt == "csv":
                sink.write(_csv_line([_cell(row.get(c)) for c in table.columns]))
            else:
                values = {c: _plain(row.get(c)) for c in table.columns}
                sink.write(("\n" if rows == 0 else ",\n") + json.dumps(values, ensure_ascii=False, default=str))
            rows += 1
        if len(page) < PAGE:
            break
        after = data.exports.key_values(kind, page[-1])
    if fmt == "json":
        sink.write(f'\n], "count": {rows}}}\n')
    return rows


async def build_export(
    data: ScopedData, kind: str, fmt: str | None, now: datetime, *, limit: int | None = ATTACHMENT_LIMIT
) -> ExportFile:
    """One export in memory (for an attachment); ExportTooLarge past `limit` bytes."""
    kind, fmt = choose(kind, fmt)
    buffer = io.BytesIO()
    rows = await write_export(data, kind, fmt, now, buffer, limit=limit)
    return ExportFile(kind, fmt, filename(kind, fmt, data.scope.server_id, now), buffer.getvalue(), rows)


def _csv_line(values: Any) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
