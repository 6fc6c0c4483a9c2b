"""`make bench` (python -m bench) lists every benchmark and refuses an unknown name."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_bench_lists_every_script_and_refuses_unknown_names() -> None:
    listed = subprocess.run([sys.executable, "-m", "bench"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0
    for script in (ROOT / "bench").glob("[a-z]*.py"):
        assert script.stem in listed.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "bench", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert unknown.returncode == 2 and "no benchmark 'nope'" in unknown.stderr


def test_bench_all_joins_the_published_figures_into_one_table(tmp_path: Path) -> None:
    """`all` runs the named benchmarks in processes of their own and prints one table of what they publish.

    The probe benchmark lives in a copy of the runner, never in bench/ itself: the suite runs on two workers,
    and a file appearing there for a moment failed the lint test running beside this one."""
    copy = tmp_path / "bench"
    copy.mkdir()
    for part in ("__main__.py", "_results.py"):
        shutil.copy(ROOT / "bench" / part, copy / part)
    (copy / "zz_probe_for_all.py").write_text(
        '"""A probe."""\n\nfrom bench._results import publish\n\n'
        'publish("zz_probe_for_all", [("speed", "12 events/s", "3x naive")])\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bench", "all", "zz_probe_for_all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    table = done.stdout.split("== all benchmarks", 1)[1]
    assert "zz_probe_for_all" in table and "12 events/s" in table and "3x naive" in table
    refused = subprocess.run(
        [sys.executable, "-m", "bench", "all", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2 and "no benchmark 'nope'" in refused.stderr


BAD_OPTIONS = [
    ("load", "--rates=4,x", "'x' is not a number"),
    ("load", "--rates=4,2", "the rates must rise, as in 2,4,8: not '4,2'"),
    ("load", "--members=1.5", "'1.5' is not a whole number"),
    ("load", "--seconds=-3", "'-3' must be above 0"),
    ("rewards_engine", "--repeat=0", "'0' must be above 0"),
    ("rewards_engine", "--history=0,x", "'x' is not a whole number"),
    ("rewards_engine", "--warmup=-1", "'-1' must be 0 or more"),
    ("streak_multipliers", "--streaking=1.5", "'1.5' must be from 0 to 1"),
    ("dashboard_pages", "--runs=0", "'0' must be above 0"),
    ("dispatch", "--events=0", "'0' must be above 0"),
    ("drop_race", "--rounds=0", "'0' must be above 0"),
    ("emulator_events", "--slash=0", "'0' must be above 0"),
    ("kpi_snapshot", "--days=0", "'0' must be above 0"),
    ("latency", "--seconds=0", "'0' must be above 0"),
    ("pg_scale", "--runs=0", "'0' must be above 0"),
    ("store_backends", "--tx=0", "'0' must be above 0"),
    ("web", "--rounds=0", "'0' must be above 0"),
]


@pytest.mark.parametrize(("name", "option", "said"), BAD_OPTIONS, ids=[f"{n} {o}" for n, o, _ in BAD_OPTIONS])
def test_a_benchmark_refuses_a_senseless_option_in_one_sentence_before_starting_anything(
    name: str, option: str, said: str
) -> None:
    """0 rounds divided by zero after minutes of set-up, 0 events hung; now argparse says which option."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", name, option], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert said in done.stderr and "Traceback" not in done.stderr, done.stderr
