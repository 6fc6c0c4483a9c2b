"""Logs for a service: LOYALTEEZ_LOG_FILE rotated by size, LOYALTEEZ_LOG_FORMAT=json, no PyNaCl warning."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
from pathlib import Path

import pytest

from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN
from tests.cli.live_bot import LiveBot
from tests.reliability.crash_rig import prepare_database
from tests.test_cli import run

KEYS = ["time", "level", "logger", "message", "context"]


def json_lines(text: str) -> list[dict]:
    entries = [json.loads(line) for line in text.splitlines() if line.strip()]
    for entry in entries:
        assert list(entry)[:5] == KEYS and isinstance(entry["context"], dict), entry
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"]), entry
    return entries


def test_log_file_rotates_by_size_and_keeps_n(tmp_path: Path) -> None:
    env = {
        "LOYALTEEZ_LOG_FILE": str(tmp_path / "logs" / "bot.log"),
        "LOYALTEEZ_LOG_MAX_BYTES": "1024",
        "LOYALTEEZ_LOG_BACKUPS": "2",
        "LOYALTEEZ_LOG_FORMAT": "json",
    }
    result = run(
        "--log-level", "DEBUG", "--db", str(tmp_path / "x.db"), "brand", "create", "Logs", env=env, cwd=tmp_path
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["bot.log", "bot.log.1", "bot.log.2"]  # older ones were dropped
    for name in files:
        text = (tmp_path / "logs" / name).read_text()
        assert len(text.encode()) <= 1024
        assert json_lines(text)


def test_text_is_the_default_format(tmp_path: Path) -> None:
    env = {"LOYALTEEZ_LOG_FILE": str(tmp_path / "bot.log")}
    run("--log-level", "DEBUG", "--db", str(tmp_path / "x.db"), "db", "info", env=env, cwd=tmp_path)
    first = (tmp_path / "bot.log").read_text().splitlines()[0]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d DEBUG   \S+: ", first), first


@pytest.mark.parametrize(
    ("name", "value", "sentence"),
    [
        ("LOYALTEEZ_LOG_FORMAT", "xml", "LOYALTEEZ_LOG_FORMAT must be text or json, not 'xml'"),
        ("LOYALTEEZ_LOG_MAX_BYTES", "10", "LOYALTEEZ_LOG_MAX_BYTES must be a whole number of at least 1024, not '10'"),
        ("LOYALTEEZ_LOG_BACKUPS", "-1", "LOYALTEEZ_LOG_BACKUPS must be a whole number from 0 to 100, not '-1'"),
    ],
)
def test_a_bad_log_setting_is_one_sentence(tmp_path: Path, name: str, value: str, sentence: str) -> None:
    result = run("--db", str(tmp_path / "x.db"), "db", "info", env={name: value}, cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.strip() == f"Configuration problem: {sentence}"


def test_an_unwritable_log_file_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    env = {"LOYALTEEZ_LOG_FILE": str(tmp_path / "file" / "bot.log")}
    result = run("--db", str(tmp_path / "x.db"), "db", "info", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"Configuration problem: cannot write LOYALTEEZ_LOG_FILE {tmp_path}/file/bot.log: {tmp_path}/file is a file, "
        "not a folder"
    )


async def test_the_running_bot_logs_json_and_no_voice_library_warning(tmp_path: Path) -> None:
    if importlib.util.find_spec("nacl") is not None:
        pytest.skip("PyNaCl is installed here, so py-cord has nothing to warn about")
    emu = Emulator(token=TOKEN)
    await emu.start()
    bot = LiveBot(emu, tmp_path / "bot.db", tmp_path / "out.log", extra_env={"LOYALTEEZ_LOG_FORMAT": "json"})
    try:
        guild = emu.create_guild("Log Server")
        await prepare_database(bot.db, guild, guild.owner)
        ready = emu.gateway.next_ready()
        await bot.start()
        await asyncio.wait_for(ready, 15)
        await asyncio.sleep(0.5)  # the ready handler logs right after READY
        assert await bot.stop() == 0, bot.log_tail()
    finally:
        await bot.kill()
        await emu.stop()
    output = [line for line in bot.log.read_text().splitlines() if line and not line.startswith("--- start")]
    entries = json_lines("\n".join(output))
    assert any(e["message"].startswith("ready as") for e in entries)
    assert not any("voice will NOT be supported" in e["message"] for e in entries)
