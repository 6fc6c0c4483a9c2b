"""`pip install .` packages only the bot, with its SQL files, and installs a `loyalteez` command.

Installed with `--target` into a temporary folder (no dependencies: the test's own environment has them) and
run from another folder, so the installed copy must find schema.sql and supabase/ inside itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from loyalteez import __version__
from tests.conftest import PROJECT_ROOT
from tests.test_cli import run

_SKIP_ANYWHERE = shutil.ignore_patterns("__pycache__", "*.db", "*.egg-info", ".*_cache", ".hypothesis")
_SKIP_AT_ROOT = {".venv", ".git", "data", "build"}  # loyalteez/data is the package's own: keep it


def skip(folder: str, names: list[str]) -> set[str]:
    at_root = {n for n in names if n in _SKIP_AT_ROOT} if Path(folder) == PROJECT_ROOT else set()
    return set(_SKIP_ANYWHERE(folder, names)) | at_root


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("install")
    source = root / "src"
    shutil.copytree(PROJECT_ROOT, source, symlinks=True, ignore=skip)
    site = root / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target", site, "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def installed_run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("LOYALTEEZ_")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run([str(site / "bin" / "loyalteez"), *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_only_the_bot_is_packaged(installed: Path) -> None:
    assert sorted(p.name for p in installed.iterdir()) == [
        "bin",
        "loyalteez",
        f"loyalteez_community_bot-{__version__}.dist-info",
    ]
    data = installed / "loyalteez" / "data"
    for name in ("schema.sql", "supabase/policies.sql", "supabase/bot_role.sql"):
        assert (data / name).is_file() and not (data / name).is_symlink(), name
    assert (data / "schema.sql").read_text() == (PROJECT_ROOT / "schema.sql").read_text()
    assert (installed / "loyalteez" / "emulator" / "spec_data" / "openapi.json").is_file()
    assert len(list((installed / "loyalteez" / "store" / "migrations").glob("*.sql"))) >= 7


def test_the_loyalteez_command_is_bot_py(installed: Path, tmp_path: Path) -> None:
    version = installed_run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"loyalteez {__version__}"
    assert run("--version").stdout.strip() == f"loyalteez {__version__}"  # python bot.py keeps working
    made = installed_run(installed, "--db", str(tmp_path / "fresh.db"), "brand", "create", "Installed", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    info = installed_run(installed, "--db", str(tmp_path / "fresh.db"), "db", "info", cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    assert "schema version" in info.stdout and "discord_user_stats" in info.stdout
    where = subprocess.run(
        [sys.executable, "-c", "from loyalteez.store.schema import SCHEMA_FILE; print(SCHEMA_FILE)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
    )
    assert where.stdout.strip().startswith(str(installed)), where.stdout + where.stderr
