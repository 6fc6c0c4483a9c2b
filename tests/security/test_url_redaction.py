"""A database password is never printed or logged, in any of the forms a URL or the environment carries it.

Real `python bot.py` runs, as a self-hoster meets them: a refused connection, the doctor, a migration to
PostgreSQL and a ledger check, each at --log-level DEBUG, with the password given as `user:pass@`, as
`?password=` or in PGPASSWORD; the whole output (stdout and the log on stderr) is searched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_DSN, PROJECT_ROOT, pg_store_schema

SECRET = "hunter2-Secret"
CLOSED_PORT = "127.0.0.1:1"  # nothing listens there: the connection is refused at once


def bot(*args: str, env: dict[str, str], cwd: Path = PROJECT_ROOT) -> str:
    """Everything the command printed, stdout and stderr (where the log goes)."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTEEZ_")}
    base = {k: v for k, v in kept.items() if k not in ("DISCORD_TOKEN", "PGPASSWORD")}
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), "--log-level", "DEBUG", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **env},
        cwd=cwd,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout + result.stderr


def with_password(url: str, form: str) -> str:
    """The same URL carrying SECRET as `user:pass@` or as a `password=` query option."""
    if form == "userinfo":
        return url.replace("://postgres@", f"://postgres:{SECRET}@", 1)
    return url + ("&" if "?" in url else "?") + f"password={SECRET}"


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_a_refused_connection_names_the_database_without_its_password(tmp_path: Path, form: str) -> None:
    url = with_password(f"postgresql://postgres@{CLOSED_PORT}/loyalteez?sslmode=disable", form)
    said = bot("check", env={"LOYALTEEZ_DATABASE_URL": url}, cwd=tmp_path)
    shown = {
        "userinfo": f"postgresql://postgres:***@{CLOSED_PORT}/loyalteez?sslmode=disable",
        "query": f"postgresql://postgres@{CLOSED_PORT}/loyalteez?sslmode=disable&password=***",
    }[form]
    assert f"Error: cannot connect to PostgreSQL at {shown}: connection refused" in said, said
    assert SECRET not in said, said


def test_pgpassword_is_never_printed(tmp_path: Path) -> None:
    env = {"LOYALTEEZ_DATABASE_URL": f"postgresql://postgres@{CLOSED_PORT}/loyalteez", "PGPASSWORD": SECRET}
    said = bot("check", env=env, cwd=tmp_path) + bot("doctor", env=env, cwd=tmp_path)
    assert "cannot connect to PostgreSQL" in said and SECRET not in said, said


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_the_doctor_shows_which_database_without_its_password(tmp_path: Path, form: str) -> None:
    url = with_password(f"postgresql://postgres@{CLOSED_PORT}/loyalteez", form)
    said = bot("doctor", env={"LOYALTEEZ_DATABASE_URL": url}, cwd=tmp_path)
    assert "PostgreSQL at postgresql://postgres" in said and CLOSED_PORT in said and "***" in said, said
    assert SECRET not in said, said


@pytest.mark.parametrize("form", ["userinfo", "query"])
async def test_migrate_and_check_on_postgres_print_and_log_no_password(tmp_path: Path, form: str) -> None:
    assert PG_DSN.startswith("postgresql://postgres@"), "the test needs the local trust-auth server"
    source = tmp_path / "bot.db"
    made = bot("brand", "create", "Acme Coffee", env={"LOYALTEEZ_DB": str(source)}, cwd=tmp_path)
    assert "security key" in made
    async with pg_store_schema() as url:
        target = with_password(url, form)  # trust authentication: the password is carried, never needed
        said = bot("migrate", "--from", str(source), "--to", target, env={}, cwd=tmp_path)
        assert "verified" in said and "postgresql://postgres" in said, said
        said += bot("check", env={"LOYALTEEZ_DATABASE_URL": target}, cwd=tmp_path)
        said += bot("brand", "list", env={"LOYALTEEZ_DATABASE_URL": target}, cwd=tmp_path)
    assert "Acme Coffee" in said
    assert SECRET not in said, said
