"""The offline demo: deterministic for a seed, and what `make run` shows without a token."""

from __future__ import annotations

import io
from pathlib import Path

from loyalteez.demo.runner import run_demo
from tests.test_cli import run


async def test_same_seed_same_summary(tmp_path: Path) -> None:
    first = await run_demo(seed=7, db_path=tmp_path / "a" / "demo.db", stream=io.StringIO())
    second = await run_demo(seed=7, db_path=tmp_path / "b" / "demo.db", stream=io.StringIO())
    other = await run_demo(seed=8, db_path=tmp_path / "c" / "demo.db", stream=io.StringIO())
    assert first == second
    assert first != other
    assert "Summary of the simulated week (seed 7)" in first
    assert (tmp_path / "a" / "demo.db").exists(), "the demo database stays for inspection"


def test_no_token_plays_the_demo_and_exits_0(tmp_path: Path) -> None:
    result = run(cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "DISCORD_TOKEN" in result.stderr, "it still says how to get a token"
    assert "Summary of the simulated week (seed 1)" in result.stdout
    assert (tmp_path / "data" / "demo.db").exists()
    assert "Traceback" not in result.stdout + result.stderr


def test_demo_flag_with_seed(tmp_path: Path) -> None:
    result = run("--demo", "--seed", "3", cwd=tmp_path)
    assert result.returncode == 0 and "(seed 3)" in result.stdout
