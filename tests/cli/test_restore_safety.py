"""`restore` never loses the database it replaces: refused while the bot runs (test_instance_lock.py), the
replaced database kept next to it with its path printed, and the replaced file's -wal/-shm removed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.test_cli import run


def brands(database: Path) -> list[str]:
    listed = run("--db", str(database), "brand", "list")
    assert listed.returncode == 0, listed.stderr
    return sorted(line.split("  ")[1] for line in listed.stdout.splitlines())


def leave_a_wal(database: Path) -> None:
    """A writer that dies without closing: its last commit lives only in the -wal file, next to a -shm."""
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint=0')\n"
        "c.execute(\"UPDATE loyalteez_brands SET name = 'Stale' WHERE name = 'After'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(database)], check=True)


def test_restore_keeps_the_replaced_database_and_drops_its_wal(tmp_path: Path) -> None:
    live = tmp_path / "bot.db"
    assert run("--db", str(live), "brand", "create", "Before").returncode == 0
    assert run("--db", str(live), "backup", str(tmp_path / "backup.db")).returncode == 0
    assert run("--db", str(live), "brand", "create", "After").returncode == 0
    leave_a_wal(live)
    assert live.with_name("bot.db-wal").stat().st_size > 0 and live.with_name("bot.db-shm").exists()

    result = run("--db", str(live), "restore", str(tmp_path / "backup.db"))
    assert result.returncode == 0, result.stderr
    kept = re.search(r"the replaced database is kept as (\S+)$", result.stdout.strip())
    assert kept, result.stdout
    assert result.stdout.startswith(f"Restored {live} from {tmp_path / 'backup.db'}")
    assert not live.with_name("bot.db-wal").exists() and not live.with_name("bot.db-shm").exists()

    assert brands(live) == ["Before"]
    assert brands(Path(kept.group(1))) == ["Before", "Stale"], "the replaced data, its last commit included"
    assert Path(kept.group(1)).parent == tmp_path


def test_restore_of_a_bad_backup_keeps_no_copy_and_changes_nothing(tmp_path: Path) -> None:
    live = tmp_path / "bot.db"
    assert run("--db", str(live), "brand", "create", "Before").returncode == 0
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    result = run("--db", str(live), "restore", str(tmp_path / "junk.db"))
    assert result.returncode == 2 and "not a readable SQLite database" in result.stderr
    assert brands(live) == ["Before"]
    assert not list(tmp_path.glob("*before-restore*"))
