"""One bot per database: a second `run`, and every command that writes behind the bot's back, is refused
with one sentence naming the PID of the process that holds the database; a crashed holder leaves nothing
behind that blocks the next start."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import bot, offline, serving, stop
from tests.test_cli import run


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """A database served by a running bot (stuck retrying an unreachable Discord), and that bot's PID."""
    folder = tmp_path_factory.mktemp("live")
    database = folder / "bot.db"
    assert run("--db", str(database), "brand", "create", "Acme").returncode == 0
    with serving({}, "--db", str(database)) as proc:
        yield database, proc.pid


def test_a_second_bot_on_the_same_database_is_refused_naming_the_first(live: tuple[Path, int]) -> None:
    database, pid = live
    second = bot("--db", str(database), "run", env=offline(), timeout=20)
    assert second.returncode == 2
    assert f"{database} is in use by PID {pid} (bot.py run)" in second.stderr
    assert "Traceback" not in second.stderr


WRITERS = {
    "restore": lambda db, tmp: ["--db", str(db), "restore", str(tmp / "backup.db")],
    "replay --db": lambda db, tmp: ["replay", str(tmp), "--db", str(db)],
    "import --apply": lambda db, tmp: [
        "--db",
        str(db),
        "import",
        str(tmp / "p.csv"),
        "--server",
        "1",
        "--format",
        "csv",
        "--apply",
    ],
    "import-config --apply": lambda db, tmp: [
        "--db",
        str(db),
        "import-config",
        str(tmp / "c.json"),
        "--server",
        "1",
        "--apply",
    ],
    "migrate --to": lambda db, tmp: ["migrate", "--from", str(tmp / "other.db"), "--to", str(db)],
}


@pytest.mark.parametrize("command", WRITERS)
def test_commands_that_write_are_refused_while_the_bot_holds_the_database(
    live: tuple[Path, int], tmp_path: Path, command: str
) -> None:
    database, pid = live
    before = database.read_bytes()
    if command == "migrate --to":
        assert run("--db", str(tmp_path / "other.db"), "brand", "create", "Other").returncode == 0
    if command == "restore":
        assert run("--db", str(database), "backup", str(tmp_path / "backup.db")).returncode == 0
    result = bot(*WRITERS[command](database, tmp_path), timeout=20)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"is in use by PID {pid} (bot.py run): stop it first" in result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == before, "nothing was written"
    assert not list(database.parent.glob("*before-restore*"))


def test_a_killed_bot_leaves_no_stale_lock(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    with serving({}, "--db", str(database)) as first:
        stop(first, signal.SIGKILL)  # no clean-up code runs
    assert database.with_name("bot.db.lock").exists(), "the lock file stays; only its lock went with the process"
    with serving({}, "--db", str(database)) as second:
        assert second.poll() is None, "the next bot starts"


async def test_a_second_bot_on_the_same_postgres_database_is_refused(pg_database: str, tmp_path: Path) -> None:
    env = {"LOYALTEEZ_DATABASE_URL": pg_database}
    with serving(env) as first:
        second = bot("run", env=offline(env), timeout=30)
        assert second.returncode == 2, second.stderr
        assert f"is in use by PID {first.pid} (bot.py run): stop it first" in second.stderr
        source = tmp_path / "other.db"
        assert run("--db", str(source), "brand", "create", "Other").returncode == 0
        migrate = bot("migrate", "--from", str(source), "--to", pg_database, timeout=30)
        assert migrate.returncode == 2 and f"PID {first.pid}" in migrate.stderr, migrate.stderr
        stop(first, signal.SIGKILL)  # the server ends the session, and its lock with it
    with serving(env) as third:
        assert third.poll() is None
