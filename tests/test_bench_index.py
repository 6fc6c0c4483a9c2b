"""`make bench` (python -m bench) lists every benchmark and refuses an unknown name."""

from __future__ import annotations

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
