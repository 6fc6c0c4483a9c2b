"""Where the command line used to print a traceback it prints one sentence: a closed pipe (`| head`), an
output path that is a folder or lies in a missing one, a --db that is a folder or under a file, and a
Discord that cannot be reached (which a service keeps retrying, waiting longer each time)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.replay.synthetic import write_exports
from loyalteez.store import Store
from tests.cli.helpers import bot, closed_stdout, environment, offline, sentence, stop
from tests.conftest import PROJECT_ROOT
from tests.services.rewards.helpers import connected
from tests.store.raw import tables
from tests.test_cli import run


@pytest.fixture
async def database(tmp_path: Path, clock: ManualClock) -> Path:
    """A connected server 1001 with a few members, so exports have rows to write."""
    path = tmp_path / "bot.db"
    store = await Store.open(str(path), clock)
    data = await connected(store, "brand_a", "1001")
    for member in range(1, 40):
        await tables(data).insert("discord_user_stats", {"discord_user_id": str(member), "ltz_earned": member})
    await store.close()
    return path


@pytest.mark.parametrize("command", [("export", "users", "--server", "1001"), ("brand", "list")])
def test_output_into_a_closed_pipe_is_one_sentence(database: Path, command: tuple[str, ...]) -> None:
    with closed_stdout() as pipe:
        result = bot("--db", str(database), *command, stdout=pipe)
    assert result.returncode == 1
    assert sentence(result) == (
        "The output was closed before everything was written (for example by `head`); nothing else was changed."
    )


def test_migrate_into_a_closed_pipe_still_finishes_the_copy(database: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    with closed_stdout() as pipe:
        result = bot("migrate", "--from", str(database), "--to", str(target), stdout=pipe, timeout=60)
    assert result.returncode == 0
    assert sentence(result) == (
        "The output was closed early (for example by `head`); the copy still ran to the end and verified."
    )
    again = run("migrate", "--from", str(database), "--to", str(target))
    assert again.returncode == 2 and "already holds data" in again.stderr, "the first copy was complete"
    info = run("--db", str(target), "db", "info")
    assert "loyalteez_migrate_progress" not in info.stdout, "a verified copy drops its progress table"
    assert re.search(r"discord_user_stats +39 rows", info.stdout), info.stdout


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        (".", "Error: --out {tmp} is a folder: name a file in it instead."),
        (
            "missing/dir/users.csv",
            "Error: --out {tmp}/missing/dir/users.csv: the folder {tmp}/missing/dir does not exist.",
        ),
    ],
)
def test_export_to_an_unusable_path_is_one_sentence(database: Path, tmp_path: Path, out: str, expected: str) -> None:
    target = str(tmp_path / out) if out != "." else str(tmp_path)
    result = bot("--db", str(database), "export", "users", "--server", "1001", "--out", target)
    assert result.returncode == 2
    assert sentence(result) == expected.format(tmp=tmp_path)


def test_whatif_checks_its_chart_path_before_the_run(tmp_path: Path) -> None:
    write_exports(tmp_path / "exports", messages=30, seed=2, channels=1, members=4, bots=0, days=1)
    result = bot("whatif", str(tmp_path / "exports"), "--rules", "defaults", "--chart", str(tmp_path), "--quiet")
    assert result.returncode == 2
    assert sentence(result) == f"Error: --chart {tmp_path} is a folder: name a file in it instead."
    assert result.stdout == "", "no replay ran"


def test_a_db_that_is_a_folder_or_under_a_file_is_one_sentence(tmp_path: Path) -> None:
    folder = bot("--db", str(tmp_path), "brand", "create", "Acme")
    assert folder.returncode == 2
    assert sentence(folder) == (
        f"Error: {tmp_path} is a folder, not a database file: name the file, e.g. {tmp_path / 'loyalteez.db'}"
    )
    (tmp_path / "notes.txt").write_text("x")
    under = bot("--db", str(tmp_path / "notes.txt" / "bot.db"), "brand", "create", "Acme")
    assert under.returncode == 2
    assert sentence(under) == (
        f"Error: cannot use {tmp_path / 'notes.txt' / 'bot.db'} as a database: {tmp_path / 'notes.txt'} is a file, "
        "not a folder"
    )


def test_run_without_discord_says_so_and_retries_with_growing_waits(tmp_path: Path) -> None:
    env = offline()
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), "--db", str(tmp_path / "bot.db"), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(env),
    )
    try:
        assert proc.stderr is not None
        said: list[str] = []
        for line in proc.stderr:
            said.append(line.strip())
            if "retrying in 2 s" in line or "Traceback" in line or len(said) > 40:
                break
        api = env["LOYALTEEZ_DISCORD_API"]
        assert f"Cannot reach Discord at {api} (connection refused); retrying in 1 s." in said, said
        assert f"Cannot reach Discord at {api} (connection refused); retrying in 2 s." in said, said
        assert proc.poll() is None, "it keeps trying, as a service should"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert "Traceback" not in "\n".join(said) + proc.stderr.read()
    finally:
        stop(proc)
