"""`python bot.py export | import-config | import` as an operator runs them, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loyalteez.clock import ManualClock
from loyalteez.store import Scope, Store
from tests.services.config_io.test_exchange import configured
from tests.services.rewards.helpers import ALICE, BOB, connected
from tests.store.raw import tables
from tests.test_cli import run

SOURCE, TARGET = "1001", "2002"


@pytest.fixture
async def db(tmp_path: Path, clock: ManualClock) -> dict[str, str]:
    """A database with a configured server (1001) and a plain one of another brand (2002)."""
    store = await Store.open(str(tmp_path / "bot.db"), clock)
    await configured(store)
    await connected(store, "brand_b", TARGET)
    await store.close()
    return {"LOYALTEEZ_DB": str(tmp_path / "bot.db")}


async def rows(env: dict[str, str], server: str, table: str) -> list[dict]:
    store = await Store.open(env["LOYALTEEZ_DB"])
    try:
        link = await store.server_link(server)
        return await tables(store.scoped(Scope(link["brand_id"], server))).select(table)
    finally:
        await store.close()


def comparable(path: Path) -> dict:
    return {k: v for k, v in json.loads(path.read_text()).items() if k not in ("exported_at", "source")}


async def test_backup_restore_round_trip(db: dict[str, str], tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    made = run("export", "config", "--server", SOURCE, "--out", str(backup), env=db)
    assert made.returncode == 0, made.stderr
    assert json.loads(backup.read_text())["version"] == 1

    dry = run("import-config", str(backup), "--server", TARGET, env=db)
    assert dry.returncode == 0, dry.stderr
    assert "events: + coffee_talk" in dry.stdout and "Dry run: nothing was written" in dry.stdout
    assert not await rows(db, TARGET, "discord_role_configs"), "a dry run writes nothing"

    applied = run("import-config", str(backup), "--server", TARGET, "--apply", env=db)
    assert applied.returncode == 0 and "in one transaction (audit row" in applied.stdout, applied.stderr
    audit = [r for r in await rows(db, TARGET, "discord_audit_log") if r["action"] == "config.imported"]
    assert [(r["actor_type"], r["actor_id"]) for r in audit] == [("system", "system")]

    again = tmp_path / "again.json"
    assert run("export", "config", "--server", TARGET, "--out", str(again), env=db).returncode == 0
    assert comparable(again) == comparable(backup)
    same = run("import-config", str(backup), "--server", TARGET, "--apply", env=db)
    assert "Nothing to change" in same.stdout


async def test_a_bad_config_file_names_the_field(db: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "version": 1,
                "events": [
                    {"name": "gm_checkin"},
                    {"name": "quiz", "reward_amount": 5},
                    {"name": "essay", "reward_amount": 0},
                ],
            }
        )
    )
    result = run("import-config", str(bad), "--server", TARGET, "--apply", env=db)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "Error: bad.json: events[2].reward_amount: must be from 1 to 10,000 LTZ."
    bad.write_text(json.dumps({"version": 1, "events": [{"name": "quiz", "reward_amount": 5, "trigger": "keyword"}]}))
    refused = run("import-config", str(bad), "--server", TARGET, "--apply", env=db)
    assert refused.returncode == 2
    assert refused.stderr.strip() == "Error: events[0].keywords: the keyword trigger needs keywords."
    assert not [r for r in await rows(db, TARGET, "monitoring_rules") if r["event_type"] == "quiz"]


def test_the_server_must_be_connected(db: dict[str, str], tmp_path: Path) -> None:
    for args in (
        ("export", "users", "--server", "3003"),
        ("import-config", "x.json", "--server", "3003"),
        ("import", "x.csv", "--server", "3003", "--format", "csv"),
    ):
        (tmp_path / "x.json").write_text('{"version": 1}')
        (tmp_path / "x.csv").write_text("1,2\n")
        result = run(*args, env=db, cwd=tmp_path)
        assert result.returncode == 2 and "server 3003 is not connected" in result.stderr, (args, result.stderr)


async def test_import_mee6_dry_run_apply_and_again(db: dict[str, str], tmp_path: Path) -> None:
    dump = tmp_path / "mee6.json"
    dump.write_text(
        json.dumps(
            {
                "players": [
                    {"id": ALICE, "username": "a", "xp": 2000, "level": 9, "message_count": 80},
                    {"id": BOB, "username": "b", "xp": 15, "level": 0, "message_count": 1},
                ]
            }
        )
    )
    args = ("import", str(dump), "--server", TARGET, "--format", "mee6", "--rate", "0.5")
    dry = run(*args, env=db)
    assert dry.returncode == 0, dry.stderr
    assert "would create the event `imported_balance`" in dry.stdout and "LTZ to add:        1,008" in dry.stdout
    assert not await rows(db, TARGET, "loyalteez_reward_ledger")

    applied = run(*args, "--apply", env=db)
    assert applied.returncode == 0 and "Imported in one transaction: 2 ledger row(s)" in applied.stdout
    paid = sorted((r["discord_user_id"], r["amount"]) for r in await rows(db, TARGET, "loyalteez_reward_ledger"))
    assert paid == [(ALICE, 1000), (BOB, 8)]
    stats = {r["discord_user_id"]: r["messages_count"] for r in await rows(db, TARGET, "discord_user_stats")}
    assert stats == {ALICE: 80, BOB: 1}

    again = run(*args, "--apply", env=db)
    assert again.returncode == 0 and "Nothing to import" in again.stdout
    assert len(await rows(db, TARGET, "loyalteez_reward_ledger")) == 2
    assert run("check", env=db).returncode == 0, "ledger and stats agree"


async def test_import_csv_with_bad_rows_writes_nothing(db: dict[str, str], tmp_path: Path) -> None:
    points = tmp_path / "points.csv"
    points.write_text(f"discord_user_id,points,messages\n{ALICE},50,3\nnot-an-id,5,1\n{BOB},lots,2\n")
    result = run("import", str(points), "--server", TARGET, "--format", "csv", "--apply", env=db)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Error: points.csv has 2 problems:" in result.stderr
    assert "line 3: discord_user_id must be a Discord id" in result.stderr
    assert "line 4: points must be a whole number from 0 to 1,000,000,000 (got 'lots')." in result.stderr
    assert not await rows(db, TARGET, "loyalteez_reward_ledger"), "none are half-written"


def test_export_rewards_to_standard_output(db: dict[str, str]) -> None:
    result = run("export", "rewards", "--server", SOURCE, env=db)
    assert result.returncode == 0 and result.stdout.startswith("created_at,discord_user_id,event_type,amount,is_test")
    assert "Exported the rewards ledger (0 row(s))" in result.stderr
    assert "import-config" in run("--help").stdout and "--rate" in run("import", "--help").stdout
