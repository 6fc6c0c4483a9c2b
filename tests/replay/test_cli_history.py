"""`python bot.py replay | whatif` as an admin runs them: in a subprocess, reading what they print."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from loyalteez.replay.synthetic import write_exports
from tests.test_cli import run


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-exports")
    write_exports(folder, messages=400, seed=11, channels=2, members=20, bots=1, days=7)
    return folder


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in:\n{text}"
    return int(found.group(1).replace(",", ""))


def test_replay_prints_a_summary_and_a_second_run_adds_nothing(exports: Path, tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    first = run("replay", str(exports), "--db", str(db))
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Replayed 400 messages of Synthetic Club" in out
    for heading in ("LTZ paid by event:", "Top 10 earners:", "Last day's KPIs", "KPI snapshots: 7 daily rows"):
        assert heading in out
    assert "messages/s" in first.stderr, "the progress line goes to stderr"
    paid = number(r"Paid ([\d,]+) LTZ", out)
    second = run("replay", str(exports), "--db", str(db), "--quiet")
    assert second.returncode == 0, second.stderr
    assert number(r"Paid ([\d,]+) LTZ", second.stdout) == paid
    assert "Traceback" not in first.stderr + second.stderr


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing", "no such file or folder"),
        (lambda d: (d / "notes.json").write_text('{"hello": 1}') and d / "notes.json", "not a DiscordChatExporter"),
        (lambda d: (d / "broken.json").write_text("{") and d / "broken.json", "not a DiscordChatExporter"),
    ],
)
def test_a_bad_export_is_one_error_line_and_no_database(tmp_path: Path, make, expected: str) -> None:
    db = tmp_path / "out.db"
    result = run("replay", str(make(tmp_path)), "--db", str(db))
    assert result.returncode == 2
    assert expected in result.stderr and result.stderr.startswith("Error:")
    assert "Traceback" not in result.stderr
    assert not db.exists()


def test_a_bad_rules_file_names_the_field_before_anything_is_written(exports: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"version": 1, "events": [{"name": "gm_checkin", "reward_amount": -5}]}))
    db = tmp_path / "out.db"
    result = run("replay", str(exports), "--db", str(db), "--rules", str(rules))
    assert result.returncode == 2
    assert "events[0].reward_amount" in result.stderr and "Traceback" not in result.stderr
    assert not db.exists()


def test_a_bad_until_date_is_refused_by_the_parser(exports: Path, tmp_path: Path) -> None:
    result = run("replay", str(exports), "--db", str(tmp_path / "o.db"), "--until", "next tuesday")
    assert result.returncode == 2 and "is not a date (YYYY-MM-DD)" in result.stderr


def test_whatif_shows_the_cost_of_a_rule_change_side_by_side(exports: Path, tmp_path: Path) -> None:
    double = tmp_path / "double-gm.json"
    double.write_text(json.dumps({"version": 1, "events": [{"name": "gm_checkin", "reward_amount": 50}]}))
    chart = tmp_path / "daily.png"
    result = run(
        "whatif", str(exports), "--rules", "defaults", "--rules", str(double), "--chart", str(chart), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    header = next(line for line in out.splitlines() if "A: defaults" in line)
    assert "B: double-gm.json" in header
    gm = re.search(r"^\s+gm_checkin\s+([\d,]+)\s+([\d,]+)", out, re.MULTILINE)
    assert gm, out
    before, after = (int(g.replace(",", "")) for g in gm.groups())
    assert before > 0 and after == 2 * before, "same greetings, twice the amount"
    gn = re.search(r"^\s+gn_checkin\s+([\d,]+)\s+([\d,]+)", out, re.MULTILINE)
    assert gn and gn.group(1) == gn.group(2), "an unchanged rule pays the same"
    for row in (
        "LTZ paid",
        "daily active earners (avg)",
        "weekly active earners (avg)",
        "top_10_concentration (last day)",
        "reward_efficiency (last day)",
        "Biggest rank changes",
    ):
        assert row in out
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "Traceback" not in result.stderr


def test_help_explains_both_commands() -> None:
    assert "replay" in run("--help").stdout and "whatif" in run("--help").stdout
    replay = run("replay", "--help").stdout
    for option in ("--db", "--rules", "--brand", "--until", "DiscordChatExporter"):
        assert option in replay
    whatif = run("whatif", "--help").stdout
    for option in ("--rules", "--chart", "defaults"):
        assert option in whatif
