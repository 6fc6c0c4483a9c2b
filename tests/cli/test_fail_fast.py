"""A database the bot cannot use is one sentence and exit 2, within seconds, for every command: damaged or
foreign files, a read-only folder, a file this user cannot write, a malformed LOYALTEEZ_DATABASE_URL, and a
mistyped path for a command that only reads (which must not create it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from loyalteez.replay.synthetic import write_exports
from tests.cli.helpers import NO_BYPASS, bot, environment, offline, require_no_bypass, sentence
from tests.conftest import PROJECT_ROOT
from tests.test_cli import run

COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "brand list": lambda db, tmp: ["--db", str(db), "brand", "list"],
    "brand create": lambda db, tmp: ["--db", str(db), "brand", "create", "Acme"],
    "db info": lambda db, tmp: ["--db", str(db), "db", "info"],
    "check": lambda db, tmp: ["--db", str(db), "check"],
    "export": lambda db, tmp: ["--db", str(db), "export", "users", "--server", "1"],
    "replay --db": lambda db, tmp: ["replay", str(tmp / "exports"), "--db", str(db), "--quiet"],
    "migrate --from": lambda db, tmp: ["migrate", "--from", str(db), "--to", str(tmp / "copy.db")],
    "run": lambda db, tmp: ["--db", str(db), "run"],
}


def copies(database: Path) -> dict[str, Path]:
    """The file once per command, beside it, so the commands can run at the same time."""
    made = {}
    for number, name in enumerate(COMMANDS):
        made[name] = database.with_name(f"{database.stem}-{number}.db")
        shutil.copyfile(database, made[name])
    return made


def every_command(
    databases: dict[str, Path], tmp: Path, prefix: tuple[str, ...] = ()
) -> dict[str, subprocess.CompletedProcess[str]]:
    """All the commands at once, each on its own copy; each must be done within 30 s (a hang fails)."""
    procs = {
        name: subprocess.Popen(
            [*prefix, sys.executable, str(PROJECT_ROOT / "bot.py"), *make(databases[name], tmp)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(offline()),
            cwd=tmp,
        )
        for name, make in COMMANDS.items()
    }
    done = {}
    try:
        for name, proc in procs.items():
            try:
                out, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                pytest.fail(f"`{name}` did not exit within 30 s after a database it cannot use")
            done[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return done


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    write_exports(tmp_path / "exports", messages=20, seed=5, channels=1, members=3, bots=0, days=1)
    return tmp_path


def made_database(path: Path) -> Path:
    assert run("--db", str(path), "brand", "create", "Acme").returncode == 0
    return path


def truncated(tmp: Path) -> Path:
    whole = made_database(tmp / "whole.db").read_bytes()
    (tmp / "truncated.db").write_bytes(whole[: len(whole) // 20])
    return tmp / "truncated.db"


def not_sqlite(tmp: Path) -> Path:
    (tmp / "notes.db").write_text("these are my notes, not a database\n" * 200)
    return tmp / "notes.db"


@pytest.mark.parametrize("make", [truncated, not_sqlite], ids=["truncated", "not-sqlite"])
def test_a_damaged_or_foreign_file_is_one_sentence_and_exit_2_for_every_command(workdir: Path, make) -> None:
    databases = copies(make(workdir))
    for name, result in every_command(databases, workdir).items():
        assert result.returncode == 2, f"{name}: {result.returncode}\n{result.stderr}"
        expected = f"Error: {databases[name]} is not a SQLite database (damaged, truncated or another kind of file)"
        assert sentence(result) == expected, name


def test_a_database_in_a_read_only_folder_is_one_sentence_and_exit_2_for_every_command(workdir: Path) -> None:
    require_no_bypass()
    folder = workdir / "readonly"
    databases = copies(made_database(folder / "bot.db"))
    folder.chmod(0o555)
    try:
        results = every_command(databases, workdir, NO_BYPASS)
    finally:
        folder.chmod(0o755)
    for name, result in results.items():
        assert result.returncode == 2, f"{name}: {result.returncode}\n{result.stderr}"
        assert f"the folder {folder} is not writable" in sentence(result), name


def test_a_database_this_user_cannot_write_stops_run_and_doctor(tmp_path: Path) -> None:
    """Made once as root, served by another user: it opens and reads, so only an explicit check sees it."""
    require_no_bypass()
    database = made_database(tmp_path / "bot.db")
    database.chmod(0o444)
    expected = (
        f"{database} is not writable by user root, so every reward would fail: "
        "chown it to root or run the bot as its owner"
    )
    started = bot("--db", str(database), "run", env=offline(), prefix=NO_BYPASS, timeout=30)
    assert started.returncode == 2
    assert sentence(started) == f"Error: {expected}"
    doctor = bot("--db", str(database), "doctor", env=offline(), prefix=NO_BYPASS, timeout=30)
    assert doctor.returncode == 2
    assert f"BAD database  {expected}" in doctor.stdout
    folder = tmp_path / "not-yours"
    folder.mkdir(mode=0o555)
    fresh = bot("--db", str(folder / "bot.db"), "doctor", env=offline(), prefix=NO_BYPASS, timeout=30)
    assert fresh.returncode == 2, "a database that could not even be created"
    assert f"BAD database  the folder {folder} is not writable by user root" in fresh.stdout


@pytest.mark.parametrize(
    "url",
    ["garbage", "postgresql//user@127.0.0.1/db", "postgresql://", "postgresql://127.0.0.1:5432", "mysql://h/db"],
)
def test_a_malformed_database_url_is_one_sentence_and_creates_nothing(tmp_path: Path, url: str) -> None:
    result = bot("brand", "list", env={"LOYALTEEZ_DATABASE_URL": url}, cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert sentence(result) == (
        "Configuration problem: LOYALTEEZ_DATABASE_URL must be a postgresql:// URL naming the database, like "
        f"postgresql://USER@HOST:PORT/DATABASE, or sqlite:///PATH, not {url!r}"
    )
    assert list(tmp_path.iterdir()) == [], "no file or folder was made"


def test_a_database_url_never_shows_its_password(tmp_path: Path) -> None:
    result = bot("db", "info", env={"LOYALTEEZ_DATABASE_URL": "postgres://bot:s3cret@db:54x/x"}, cwd=tmp_path)
    assert result.returncode == 2 and "s3cret" not in result.stderr and "bot:***@db:54x/x" in result.stderr


@pytest.mark.parametrize("command", ["brand list", "db info", "check", "export"])
def test_a_command_that_only_reads_refuses_a_missing_database(tmp_path: Path, command: str) -> None:
    database = tmp_path / "typo" / "bot.db"
    result = bot(*COMMANDS[command](database, tmp_path), timeout=30)
    assert result.returncode == 2
    assert sentence(result) == (
        f"Error: there is no database at {database}: check --db or LOYALTEEZ_DB (this command never creates one)"
    )
    assert not (tmp_path / "typo").exists(), "neither the database nor its folder was created"
