"""The daily backup job (N kept, once a day, from the analytics scheduler) and the reliability settings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loyalteez.app import build_app
from loyalteez.clock import ManualClock
from loyalteez.services.maintenance.backups import BackupJob
from loyalteez.settings import Settings, SettingsError, load_settings
from loyalteez.store import Store


async def test_one_backup_a_day_and_only_the_newest_kept(tmp_path: Path, clock: ManualClock) -> None:
    store = await Store.open(str(tmp_path / "live.db"), clock)  # open: the bot is writing meanwhile
    try:
        await store.insert_brand({"brand_id": "b", "name": "Backed Up", "key_salt": "00", "key_hash": "x"})
        job = BackupJob(tmp_path / "live.db", tmp_path / "backups", keep=2)
        made = []
        for day in range(4):
            now = clock.now() + timedelta(days=day)
            made.append(await job.run(now))
            assert await job.run(now + timedelta(hours=1)) is None, "a second run the same day copies nothing"
        kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
        assert kept == [made[2].name, made[3].name]
        conn = sqlite3.connect(made[3])
        assert conn.execute("SELECT name FROM loyalteez_brands").fetchall() == [("Backed Up",)]
        conn.close()
    finally:
        await store.close()


async def test_off_by_default_and_bounded(tmp_path: Path) -> None:
    assert await BackupJob(tmp_path / "x.db", tmp_path / "b", keep=0).run(datetime(2026, 3, 2, tzinfo=UTC)) is None
    with pytest.raises(ValueError, match="0 to 365"):
        BackupJob(tmp_path / "x.db", tmp_path / "b", keep=366)


async def test_the_app_registers_it_with_the_scheduler(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    settings = Settings(db_path=str(tmp_path / "bot.db"), backup_keep=3)
    app = await build_app(settings, clock)
    try:
        scheduler = app.services.analytics.scheduler
        assert "backup" in [job.name for job in scheduler.jobs]
        assert "backup" in await scheduler.run_due()  # the start-up catch-up run takes today's copy
        assert [p.name for p in (tmp_path / "backups").iterdir()] == ["loyalteez-20260302-120000.db"]
    finally:
        await app.close()
    off = await build_app(Settings(db_path=str(tmp_path / "off.db")), clock)
    try:
        assert "backup" not in [job.name for job in off.services.analytics.scheduler.jobs]
    finally:
        await off.close()


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"LOYALTEEZ_CATCHUP_HOURS": "200"}, "LOYALTEEZ_CATCHUP_HOURS"),
        ({"LOYALTEEZ_CATCHUP_HOURS": "soon"}, "LOYALTEEZ_CATCHUP_HOURS"),
        ({"LOYALTEEZ_BACKUP_KEEP": "-1"}, "LOYALTEEZ_BACKUP_KEEP"),
        ({"LOYALTEEZ_EMULATOR_TIMINGS": "1", "LOYALTEEZ_DISCORD_API": "https://discord.com/api/v10"}, "emulator"),
    ],
)
def test_bad_reliability_settings_are_one_sentence(env: dict[str, str], problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        load_settings(env, dotenv=None)


def test_reliability_settings_are_read() -> None:
    settings = load_settings(
        {"LOYALTEEZ_CATCHUP_HOURS": "6", "LOYALTEEZ_BACKUP_KEEP": "7", "LOYALTEEZ_BACKUP_DIR": "/srv/backups"},
        dotenv=None,
    )
    assert (settings.catchup_hours, settings.backup_keep, settings.backup_dir) == (6.0, 7, "/srv/backups")
    assert load_settings({}, dotenv=None).catchup_hours == 24.0
