"""The offline demo ends with the weekly report posted and its chart saved, and shows the last day's KPIs."""

from __future__ import annotations

import io
from pathlib import Path

from loyalteez.demo.runner import run_demo


async def test_the_demo_week_ends_with_a_report_and_its_chart(tmp_path: Path) -> None:
    out = io.StringIO()
    summary = await run_demo(seed=5, db_path=tmp_path / "data" / "demo.db", stream=out)
    assert "KPIs for Sun 11 Jan (daily snapshot): daily_active_users " in summary
    assert "Reports: 1 posted in #reports (📊 Weekly report · 05 Jan – 11 Jan 2026, chart attached)" in summary
    chart = tmp_path / "data" / "demo-report.png"
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert f"chart is saved at {chart}" in out.getvalue()
