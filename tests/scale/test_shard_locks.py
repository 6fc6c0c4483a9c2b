"""Several `bot.py run` on one database: PostgreSQL lets them in unless two claim the same shard; SQLite
keeps one process per file; a bad shard setting is one sentence at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from loyalteez.process_settings import ProcessSettingsError, read_process_settings
from tests.cli.helpers import bot, offline, serving
from tests.test_cli import run


def shards(ids: str, count: int = 2) -> dict[str, str]:
    return {"LOYALTEEZ_SHARD_COUNT": str(count), "LOYALTEEZ_SHARD_IDS": ids}


async def test_postgres_lets_processes_in_unless_they_claim_the_same_shard(pg_database: str, tmp_path: Path) -> None:
    env = {"LOYALTEEZ_DATABASE_URL": pg_database}
    with serving({**env, **shards("0")}), serving({**env, **shards("1")}) as second:
        again = bot("run", env=offline({**env, **shards("1")}), timeout=30)
        assert again.returncode == 2, again.stderr
        assert f"(shard 1 of 2) is in use by PID {second.pid} (bot.py run shard 1 of 2)" in again.stderr
        assert "LOYALTEEZ_SHARD_IDS" in again.stderr and "Traceback" not in again.stderr
        source = tmp_path / "other.db"
        assert run("--db", str(source), "brand", "create", "Other").returncode == 0
        migrate = bot("migrate", "--from", str(source), "--to", pg_database, timeout=30)
        assert migrate.returncode == 2 and "is in use by PID" in migrate.stderr, migrate.stderr


def test_sqlite_refuses_a_second_process_whatever_its_shards(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    with serving(shards("0"), "--db", str(database)) as first:
        second = bot("--db", str(database), "run", env=offline(shards("1")), timeout=20)
        assert second.returncode == 2
        assert f"{database} is in use by PID {first.pid} (bot.py run shard 0 of 2)" in second.stderr


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        ({"LOYALTEEZ_SHARD_COUNT": "0"}, "LOYALTEEZ_SHARD_COUNT must be a whole number from 1 to 1024, not '0'"),
        ({"LOYALTEEZ_SHARD_COUNT": "two"}, "LOYALTEEZ_SHARD_COUNT must be a whole number"),
        ({"LOYALTEEZ_SHARD_IDS": "0"}, "LOYALTEEZ_SHARD_IDS needs LOYALTEEZ_SHARD_COUNT"),
        (shards("2"), "shard 2 does not exist with LOYALTEEZ_SHARD_COUNT=2 (shards are numbered 0 to 1)"),
        (shards("0,0"), "LOYALTEEZ_SHARD_IDS names shard 0 twice"),
        (shards("1-0"), "the range '1-0' runs backwards"),
        (shards("a"), "LOYALTEEZ_SHARD_IDS must be shard numbers separated by commas"),
        ({"LOYALTEEZ_LEADER_LEASE_SECONDS": "1"}, "LOYALTEEZ_LEADER_LEASE_SECONDS must be a number of seconds"),
        ({"LOYALTEEZ_LEADER_LEASE_SECONDS": "soon"}, "not 'soon'"),
    ],
)
def test_a_bad_shard_or_lease_setting_is_one_sentence(values: dict[str, str], sentence: str) -> None:
    with pytest.raises(ProcessSettingsError) as refused:
        read_process_settings(values)
    assert sentence in str(refused.value) and "\n" not in str(refused.value)


def test_shard_settings_read_as_written() -> None:
    assert read_process_settings({}).shards == (0,) and not read_process_settings({}).sharded
    assert read_process_settings({"LOYALTEEZ_SHARD_COUNT": "3"}).shards == (0, 1, 2)
    chosen = read_process_settings({**shards("4,0-1", 6), "LOYALTEEZ_LEADER_LEASE_SECONDS": "4"})
    assert chosen.shards == (0, 1, 4) and chosen.leader_lease_seconds == 4.0
    assert chosen.describe() == "shards 0, 1, 4 of 6"


def test_run_says_a_bad_shard_setting_in_one_sentence_and_exits_2(tmp_path: Path) -> None:
    result = bot("--db", str(tmp_path / "bot.db"), "run", env=offline(shards("5")), timeout=20)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "LOYALTEEZ_SHARD_IDS: shard 5 does not exist with LOYALTEEZ_SHARD_COUNT=2" in result.stderr
