"""CSV cells a spreadsheet would read as a formula are written as text; everything else as it is."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from loyalteez.services.common.csv_cells import csv_line, safe_cell


def test_formula_starts_become_text() -> None:
    for risky in ("=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")'):
        assert safe_cell(risky) == "'" + risky
    assert safe_cell("plain") == "plain" and safe_cell("a=b") == "a=b"


def test_values_keep_their_type() -> None:
    assert safe_cell(-5) == "-5" and safe_cell(2.5) == "2.5"  # numbers stay numbers, negative ones too
    assert safe_cell(None) == "" and safe_cell(True) == "true"
    assert safe_cell(datetime(2026, 3, 1, tzinfo=UTC)) == "2026-03-01T00:00:00+00:00"
    assert safe_cell({"b": 1, "a": "=x"}) == '{"a": "=x", "b": 1}'


def test_a_line_reads_back() -> None:
    line = csv_line(["=cmd", 'he said "hi"', 3]).decode()
    assert list(csv.reader(io.StringIO(line))) == [["'=cmd", 'he said "hi"', "3"]]
