"""Reading an import file of any format into checked rows (every bad line reported, none half-kept)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from loyalteez.services.errors import ValidationError
from loyalteez.services.importers import csv_file, json_list, mee6, texts
from loyalteez.services.importers.rows import ImportFileError, ParsedImport

FORMATS = ("mee6", "csv", "json")
MAX_RATE = Decimal(1000)


def parse_rate(text: str | None, fmt: str) -> Decimal | None:
    if text is None:
        return None
    if fmt != "mee6":
        raise ValidationError("rate", texts.rate_is_mee6_only())
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite() or not 0 < rate <= MAX_RATE:
        raise ValidationError("rate", texts.bad_rate())
    return rate


def parse_import(content: bytes, fmt: str, name: str = "import", rate: str | None = None) -> ParsedImport:
    """The file's rows, or ImportFileError listing every bad line; bad options are ValidationErrors."""
    if fmt not in FORMATS:
        raise ValidationError("format", texts.bad_format(FORMATS))
    parsed = ParsedImport.start(fmt, name, content, parse_rate(rate, fmt))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(name, [texts.line(1, texts.not_text())]) from exc
    if fmt == "csv":
        csv_file.parse(text, parsed)
        return parsed.finish()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(name, [texts.line(exc.lineno, texts.not_json(exc.msg, exc.colno))]) from exc
    (mee6 if fmt == "mee6" else json_list).parse(text, data, parsed)
    return parsed.finish()
