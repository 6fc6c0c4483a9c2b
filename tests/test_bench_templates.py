"""The rewards benchmark keeps its history databases for the next run (--templates), never a half-built one."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench import _rewards_setup as setup


async def test_a_kept_template_is_reused_and_an_interrupted_build_is_not(tmp_path: Path) -> None:
    path = setup.template_path(tmp_path, 50, 10)
    interrupted = path.with_name(f"{path.stem}.building.db")
    interrupted.write_bytes(b"half a database")

    built = await setup.ensure_template(tmp_path, 50, 10)
    assert built == path and path.stat().st_size > 0
    assert not interrupted.exists()
    stamp = path.stat().st_mtime_ns

    assert await setup.ensure_template(tmp_path, 50, 10) == path
    assert path.stat().st_mtime_ns == stamp  # reused, not built again
    assert setup.template_path(tmp_path, 50, 11) != path  # another member count is another template


def test_the_templates_folder_must_be_a_folder(tmp_path: Path) -> None:
    assert setup.folder(str(tmp_path / "new" / "kept")).is_dir()
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(argparse.ArgumentTypeError, match=r"cannot use .* as the templates folder"):
        setup.folder(str(a_file / "below"))
