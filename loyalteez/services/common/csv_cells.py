"""CSV that opens safely in a spreadsheet: a cell a member typed can never run as a formula.

Names, reasons and event details come from members and admins; a cell starting with =, +, -, @ or a tab
or carriage return would be read as a formula by Excel, LibreOffice and Google Sheets, so it gets a
leading apostrophe (shown as text, the usual guard). Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = (
        json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        if isinstance(value, dict | list)
        else str(value)
    )
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_line(values: list[Any] | tuple[Any, ...]) -> bytes:
    """One CSV row, every cell made safe, ending in CRLF as RFC 4180 and spreadsheets expect."""
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(v) for v in values])
    return out.getvalue().encode()
