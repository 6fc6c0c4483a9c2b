"""Crash test: the real bot in a subprocess, SIGKILLed at random points under steady traffic, restarted.

After the last restart (and a clean stop) the database must show: every claim whose "You earned" reply
reached the member exists in the ledger; no reward twice (idempotency keys, greetings once a day); every
message members posted counted exactly once (what was said while the bot was dead came back through the
catch-up); stats equal to the ledger (`python bot.py check`, exit 0); PRAGMA integrity_check ok.

Kill points: a quarter while the process is still starting (imports, schema, connecting), the rest at a
random moment up to 1.2 s after READY, which lands in catch-up, command handling and group commits.
The CI variant kills 16 times (~20 s); `--runslow` runs 100 kills.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN
from tests.conftest import REPORT
from tests.reliability.crash_rig import BOT, BotProcess, Traffic, prepare_database
from tests.reliability.helpers import check_consistent, messages_counted, posted_by


async def wait_counted(db: Path, emu: Emulator, timeout: float) -> None:
    """Until every message posted is counted (the final bot caught up), or the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(messages_counted(db).values()) >= sum(posted_by(emu).values()):
            return
        await asyncio.sleep(0.1)


async def crash_run(tmp_path: Path, kills: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    emu = Emulator(token=TOKEN)
    await emu.start()
    db = tmp_path / "crash.db"
    bot = BotProcess(emu, db, tmp_path / "bot.log")
    traffic: Traffic | None = None
    try:
        guild = emu.create_guild("Crash Server")
        random_channel = guild.create_text_channel("random")
        members = [guild.member(f"member{n}") for n in range(12)]
        await prepare_database(db, guild, guild.owner)
        traffic = Traffic(members, [guild.channel("general"), random_channel], rng)
        traffic.start()
        during_startup = 0
        for _ in range(kills):
            ready = emu.gateway.next_ready()
            await bot.start()
            if rng.random() < 0.25:
                during_startup += 1
                await asyncio.sleep(rng.uniform(0.05, 0.8))
            else:
                await asyncio.wait_for(ready, 15)
                await asyncio.sleep(rng.uniform(0.0, 1.2))
            await bot.kill()
        ready = emu.gateway.next_ready()
        await bot.start()
        await asyncio.wait_for(ready, 15)
        await asyncio.sleep(0.5)
        await traffic.stop()
        await wait_counted(db, emu, 30)
        reply = await members[0].slash("balance", reply_timeout=5)
        assert reply.embeds, "the restarted bot serves"
        await asyncio.sleep(0.3)  # let py-cord read the answer to its last request before Ctrl-C
        assert await bot.stop() == 0, bot.log_tail()
        errors = [line for line in bot.log.read_text().splitlines() if " ERROR " in line]
        assert not errors, "\n".join(errors[:10])
    except BaseException:
        await bot.kill()
        print(bot.log_tail())
        raise
    finally:
        if traffic is not None:
            await traffic.stop()
        await emu.stop()
    assert not emu.errors, emu.errors
    numbers = check_consistent(db, emu)
    check = subprocess.run(
        [sys.executable, str(BOT), "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "LOYALTEEZ_DB": str(db), "LOYALTEEZ_DATABASE_URL": ""},
    )
    assert check.returncode == 0, check.stdout + check.stderr
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    return {**numbers, "kills": kills, "killed while starting": during_startup, "claims sent": traffic.claims}


def report(label: str, numbers: dict[str, int], seconds: float) -> None:
    REPORT[label] = (
        f"{numbers['kills']} SIGKILLs ({numbers['killed while starting']} while starting) in "
        f"{seconds:.0f} s: {numbers['messages']} messages each counted once, {numbers['claims sent']} "
        f"claims sent, {numbers['claims paid']} paid replies all in the ledger, "
        f"{numbers['ledger rows']} ledger rows, no duplicates, check ok, integrity ok"
    )


async def test_sigkill_at_random_points_loses_and_doubles_nothing(tmp_path: Path) -> None:
    started = time.monotonic()
    numbers = await crash_run(tmp_path, kills=16, seed=20260302)
    report("crash test (CI)", numbers, time.monotonic() - started)
    assert numbers["claims paid"] > 0 and numbers["messages"] > 1000


@pytest.mark.slow
async def test_sigkill_many_times(tmp_path: Path) -> None:
    started = time.monotonic()
    numbers = await crash_run(tmp_path, kills=100, seed=7)
    report("crash test (long)", numbers, time.monotonic() - started)
