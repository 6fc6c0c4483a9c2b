"""SIGTERM, as systemd or Docker stop the bot: the messages it already received reach the ledger, exit 0."""

from __future__ import annotations

import asyncio
import random
import signal
import threading
from pathlib import Path

import pytest

from loyalteez import shutdown
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import TOKEN
from tests.cli.live_bot import LiveBot
from tests.reliability.crash_rig import long_message, prepare_database
from tests.reliability.helpers import messages_counted, payouts

MEMBERS = 12


async def delivered(emu: Emulator, timeout: float = 10) -> None:
    """Until the bot has acknowledged every event the gateway sent it (its heartbeat echoes the sequence)."""
    for _ in range(int(timeout / 0.02)):
        emu.gateway.request_barrier()
        if emu.gateway.caught_up(barrier=True):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the bot did not receive the messages")


async def bot_ready(bot: LiveBot) -> None:
    for _ in range(100):
        if "ready as" in bot.log.read_text():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the bot did not get ready:\n" + bot.log_tail())


async def test_sigterm_drains_the_group_commit_and_exits_0(tmp_path: Path) -> None:
    rng = random.Random(7)
    emu = Emulator(token=TOKEN)
    await emu.start()
    bot = LiveBot(emu, tmp_path / "bot.db", tmp_path / "bot.log")
    try:
        guild = emu.create_guild("Shutdown Server")
        members = [guild.member(f"member{n}") for n in range(MEMBERS)]
        await prepare_database(bot.db, guild, guild.owner)
        ready = emu.gateway.next_ready()
        await bot.start()
        await asyncio.wait_for(ready, 15)
        await bot_ready(bot)
        for member in members:  # a long message each: the default quality_message event pays it
            await member.say(guild.channel("general"), long_message(rng))
        await delivered(emu)
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGTERM)  # right away: the batch is still in the group commit's queue
        code = await asyncio.wait_for(bot.proc.wait(), 10)
    finally:
        await bot.kill()
        await emu.stop()
    log = bot.log.read_text()
    assert code == 0, bot.log_tail()
    assert "SIGTERM: finishing pending writes, then closing" in log
    assert "Traceback" not in log and " ERROR " not in log
    assert sum(messages_counted(bot.db).values()) == MEMBERS
    assert sum(payouts(bot.db, "quality_message").values()) == MEMBERS


def test_a_stop_that_hangs_ends_the_process_at_its_deadline(monkeypatch, caplog) -> None:
    """Whatever hangs (a task ignoring its cancellation, a thread that never ends), the process ends."""
    exited = threading.Event()
    codes: list[int] = []
    monkeypatch.setattr(shutdown.os, "_exit", lambda code: (codes.append(code), exited.set()))
    stuck = threading.Event()
    thread = threading.Thread(target=stuck.wait, name="stuck-connection")  # a non-daemon thread left behind
    thread.start()
    try:
        deadline = shutdown.StopDeadline(within=0.05)
        deadline.start()
        assert exited.wait(5)
    finally:
        stuck.set()
        thread.join()
    assert codes == [1]
    assert "did not stop within" in caplog.text
    assert "stuck-connection" in caplog.text


def test_a_stop_that_ends_in_time_is_left_alone(monkeypatch) -> None:
    monkeypatch.setattr(shutdown.os, "_exit", lambda code: pytest.fail("exited"))
    deadline = shutdown.StopDeadline(within=0.05)
    deadline.start()
    deadline.cancel()
    threading.Event().wait(0.15)
    assert shutdown.stray_threads(wait=0.1) == []
