"""Commands that write refuse to mix or overwrite what is there: `replay --db` into a server the bot
recorded live, and `export --out` onto an existing file, both unless --force."""

from __future__ import annotations

from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.replay.synthetic import DEFAULT_GUILD_ID, write_exports
from loyalteez.store import Store
from tests.cli.helpers import sentence
from tests.services.rewards.helpers import connected
from tests.store.raw import tables
from tests.test_cli import run


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    write_exports(folder, messages=60, seed=3, channels=1, members=6, bots=0, days=2)
    return folder


async def live_database(path: Path, server: str, clock: ManualClock) -> None:
    """A database where the bot served `server` for real: linked, with a member's stats."""
    store = await Store.open(str(path), clock)
    data = await connected(store, "brand_live", server)
    await tables(data).insert("discord_user_stats", {"discord_user_id": "7", "ltz_earned": 40})
    await store.close()


async def test_replay_into_a_server_recorded_live_is_refused_unless_forced(
    exports: Path, tmp_path: Path, clock: ManualClock
) -> None:
    database = tmp_path / "live.db"
    await live_database(database, DEFAULT_GUILD_ID, clock)
    before = database.read_bytes()
    refused = run("replay", str(exports), "--db", str(database), "--quiet")
    assert refused.returncode == 2
    assert sentence(refused) == (
        f"Error: server {DEFAULT_GUILD_ID} in {database} holds data the bot recorded live, not by a replay: "
        "replaying into it would mix history into that data; replay into a new --db, "
        "or add --force to mix them anyway."
    )
    assert database.read_bytes() == before, "nothing was written"

    forced = run("replay", str(exports), "--db", str(database), "--quiet", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Replayed 60 messages" in forced.stdout


async def test_replay_beside_another_live_server_and_again_into_its_own_data(
    exports: Path, tmp_path: Path, clock: ManualClock
) -> None:
    database = tmp_path / "shared.db"
    await live_database(database, "1234", clock)
    first = run("replay", str(exports), "--db", str(database), "--quiet")
    assert first.returncode == 0, first.stderr
    again = run("replay", str(exports), "--db", str(database), "--quiet")
    assert again.returncode == 0, "a replay may continue its own data"


async def test_export_out_refuses_to_overwrite_unless_forced(tmp_path: Path, clock: ManualClock) -> None:
    database = tmp_path / "bot.db"
    await live_database(database, "1001", clock)
    env = {"LOYALTEEZ_DB": str(database)}
    backup = tmp_path / "config-backup.json"
    backup.write_text('{"kept": true}')
    refused = run("export", "users", "--server", "1001", "--out", str(backup), env=env)
    assert refused.returncode == 2
    assert sentence(refused) == (
        f"Error: --out {backup} already exists: choose a new file name, or add --force to replace it."
    )
    assert backup.read_text() == '{"kept": true}'

    forced = run("export", "users", "--server", "1001", "--out", str(backup), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert backup.read_text().startswith("discord_user_id") and "7" in backup.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no partial file left"
