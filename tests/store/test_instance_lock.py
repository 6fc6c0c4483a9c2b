"""The lock under `bot.py run`: exclusive per database and name, freed by release, and naming its holder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loyalteez.store import DatabaseError
from loyalteez.store.instance_lock import LockHeld, hold


async def test_one_holder_per_name_on_sqlite(tmp_path: Path) -> None:
    await one_holder_per_name(str(tmp_path / "bot.db"))


async def test_one_holder_per_name_on_postgres(pg_database: str) -> None:
    """An advisory lock is per database: a fresh database keeps other tests' locks apart."""
    await one_holder_per_name(pg_database)


async def one_holder_per_name(target: str) -> None:
    first = await hold(target, "bot.py run")
    with pytest.raises(LockHeld) as refused:
        await hold(target, "bot.py restore")
    assert refused.value.pid == os.getpid() and refused.value.command == "bot.py run"
    other = await hold(target, "scheduler", name="scheduler")  # another name is another lock
    await first.release()
    again = await hold(target, "bot.py restore")
    await again.release()
    await other.release()


async def test_a_path_that_cannot_hold_a_database_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatabaseError, match="is a file, not a folder"):
        await hold(str(tmp_path / "file" / "bot.db"), "bot.py run")
