"""`make bench` (python -m bench) lists every benchmark and refuses an unknown name."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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


def test_the_load_sweep_refuses_bad_rates_in_one_sentence_before_starting_anything() -> None:
    for argument, said in (
        ("--rates=4,x", "'x' is not a number"),
        ("--rates=4,2", "the rates must rise, as in 2,4,8: not '4,2'"),
        ("--rates=0,2", "'0' must be above 0"),
        ("--members=1.5", "'1.5' is not a whole number"),
        ("--seconds=-3", "'-3' must be above 0"),
    ):
        done = subprocess.run(
            [sys.executable, "bench/load.py", "--sweep", argument],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, argument
        assert said in done.stderr and "Traceback" not in done.stderr, done.stderr
