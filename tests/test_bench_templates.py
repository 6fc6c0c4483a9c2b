"""The rewards benchmark keeps its history databases for the next run (--templates), never a half-built one."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench import _rewards_setup as setup


async def test_a_kept_template_is_reused_and_an_interrupted_or_outdated_one_is_not(tmp_path: Path) -> None:
    path = setup.template_path(tmp_path, 50, 10)
    interrupted = path.with_name(f"{path.stem}.building.db")
    interrupted.write_bytes(b"half a database")
    outdated = tmp_path / "template-50-10-000000000000.db"  # built by other code: several GB at 10M rows
    outdated.write_bytes(b"an older template")
    kept = tmp_path / "template-500-10-000000000000.db"  # another history: not this build's to remove
    kept.write_bytes(b"another template")

    built = await setup.ensure_template(tmp_path, 50, 10)
    assert built == path and path.stat().st_size > 0
    assert not interrupted.exists() and not outdated.exists() and kept.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, kept.name])  # no -wal or -shm left
    stamp = path.stat().st_mtime_ns

    assert await setup.ensure_template(tmp_path, 50, 10) == path
    assert path.stat().st_mtime_ns == stamp  # reused, not built again
    assert setup.template_path(tmp_path, 50, 11) != path  # another member count is another template


def test_a_template_is_named_after_the_code_that_shapes_it() -> None:
    """The schema, the filing UPDATE and the configured rules change what a template holds."""
    names = {source.name for source in setup._TEMPLATE_SOURCES}
    assert {"schema.sql", "ledger_writes.py", "ledger_filing.py", "defaults.py", "_rewards_anchors.py"} <= names
    assert "rewards_engine.py" not in names  # the benchmark's timing code: editing it keeps the templates


def test_the_templates_folder_must_be_a_folder(tmp_path: Path) -> None:
    assert setup.folder(str(tmp_path / "new" / "kept")).is_dir()
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(argparse.ArgumentTypeError, match=r"cannot use .* as the templates folder"):
        setup.folder(str(a_file / "below"))
