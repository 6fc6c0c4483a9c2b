"""`python bot.py` as a self-hoster meets it: a clear paragraph without a token, brands from the shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def run(*args: str, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("LOYALTEEZ_")}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, **(env or {})},
        cwd=cwd,
    )


def test_explicit_run_without_a_token_explains_and_exits_2(tmp_path: Path) -> None:
    result = run("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "developers/applications" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_help_documents_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for word in ("run", "brand", "db", "--db", "--log-level", "--demo", "--seed", "DISCORD_TOKEN", "LOYALTEEZ_DB"):
        assert word in result.stdout
    brand_help = run("brand", "--help").stdout
    for action in ("create", "list", "rotate-key", "budget"):
        assert action in brand_help


def test_brand_life_cycle_from_the_shell(tmp_path: Path) -> None:
    env = {"LOYALTEEZ_DB": str(tmp_path / "bot.db")}
    made = run("brand", "create", "Acme Coffee", env=env)
    assert made.returncode == 0, made.stderr
    key = re.search(r"security key: (\S+)", made.stdout).group(1)
    brand_id = re.search(r"brand id: +(\S+)", made.stdout).group(1)
    listed = run("brand", "list", env=env)
    assert brand_id in listed.stdout and key not in listed.stdout
    assert key.encode() not in (tmp_path / "bot.db").read_bytes()
    rotated = run("brand", "rotate-key", brand_id, env=env)
    assert rotated.returncode == 0 and key not in rotated.stdout
    budget = run("brand", "budget", "Acme Coffee", "25000", env=env)
    assert "25,000 LTZ" in budget.stdout
    duplicate = run("brand", "create", "Acme Coffee", env=env)
    assert duplicate.returncode == 2 and "already exists" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr


def test_db_info_reports_version_and_tables(tmp_path: Path) -> None:
    assert run("--db", str(tmp_path / "info.db"), "brand", "create", "Acme").returncode == 0
    result = run("--db", str(tmp_path / "info.db"), "db", "info")
    assert result.returncode == 0
    assert "schema version" in result.stdout and "discord_user_stats" in result.stdout


def test_a_bad_log_level_is_one_sentence(tmp_path: Path) -> None:
    result = run("db", "info", env={"LOYALTEEZ_LOG_LEVEL": "LOUD", "LOYALTEEZ_DB": str(tmp_path / "x.db")})
    assert result.returncode == 2 and "LOYALTEEZ_LOG_LEVEL" in result.stderr and "Traceback" not in result.stderr


def test_database_from_a_newer_release_is_one_sentence(tmp_path: Path) -> None:
    import sqlite3

    from loyalteez.store.schema import SCHEMA_FILE

    path = tmp_path / "newer.db"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_FILE.read_text())
    conn.execute("INSERT INTO loyalteez_schema_version (version) VALUES (999)")
    conn.commit()
    conn.close()
    result = run("--db", str(path), "brand", "list")
    assert result.returncode == 2 and "newer release" in result.stderr and "Traceback" not in result.stderr
