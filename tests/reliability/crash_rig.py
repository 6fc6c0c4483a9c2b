"""The crash rig: the real bot in a subprocess against the emulator in this process, killed at random points.

The bot runs as `python bot.py run` with DISCORD_TOKEN, LOYALTEEZ_DISCORD_API (the emulator's address),
LOYALTEEZ_DB and the test-only LOYALTEEZ_EMULATOR_TIMINGS=1 (py-cord's start-up and re-IDENTIFY waits cut
short; refused unless the API is on 127.0.0.1). Members chat and claim in this process the whole time,
also while the bot is dead: the restarted bot must catch up on what it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from loyalteez.clock import SystemClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import TOKEN
from loyalteez.emulator.state import Channel
from loyalteez.services.access import brands
from loyalteez.services.container import build_services
from loyalteez.services.rewards.admin_events import EventOptions, create_event, toggle_event
from loyalteez.store import Store
from tests.conftest import PROJECT_ROOT
from tests.reliability.helpers import CLAIMABLE

BOT = PROJECT_ROOT / "bot.py"
WORDS = ["community", "reward", "points", "weekly", "event", "members", "server", "quest", "streak", "season"]


def long_message(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(22, 40))) + "."


async def prepare_database(db: Path, guild: GuildHandle, owner: MemberHandle) -> None:
    """What /setup connect and two /config commands would leave: a linked server, a claimable event."""
    clock = SystemClock()
    store = await Store.open(str(db), clock)
    try:
        services = build_services(store, clock)
        brand = await brands.create_brand(store, "Crash Test Coffee")
        result = await services.setup.connect(
            server_id=str(guild.id),
            server_name=guild.name,
            brand_id=brand.brand_id,
            security_key=brand.security_key,
            actor_id=str(owner.id),
        )
        assert result.ok, result.message
        data = store.scoped(result.scope)  # type: ignore[arg-type]
        await create_event(data, str(owner.id), CLAIMABLE, EventOptions(reward=5))
        await toggle_event(data, str(owner.id), "quality_message", True)
        await services.close()
    finally:
        await store.close()


def _hear_ctrl_c() -> None:
    """In the bot's process before it starts: take Ctrl-C as a terminal would deliver it. A rig started as a
    background job (shells start those ignoring SIGINT) would otherwise pass that on, and the bot would ignore
    the Ctrl-C that stops it ("did not stop within ... of Ctrl-C" while it was idle and serving)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class BotProcess:
    emu: Emulator
    db: Path
    log: Path
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALTEEZ_", "DISCORD_"))}
        env.update(
            DISCORD_TOKEN=TOKEN,
            LOYALTEEZ_DISCORD_API=self.emu.api_base_url,
            LOYALTEEZ_DB=str(self.db),
            LOYALTEEZ_EMULATOR_TIMINGS="1",
            LOYALTEEZ_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    async def start(self) -> None:
        self.starts += 1
        with self.log.open("a") as out:
            out.write(f"\n--- start {self.starts} ---\n")
            out.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(BOT),
                "run",
                cwd=str(self.db.parent),
                env=self.env(),
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                preexec_fn=_hear_ctrl_c,
            )

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, whatever the bot was doing."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self, timeout: float = 15) -> int | None:
        """Ctrl-C: the bot flushes and closes cleanly."""
        if self.proc is None or self.proc.returncode is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGINT)
        try:
            return await asyncio.wait_for(asyncio.shield(self.proc.wait()), timeout)
        except TimeoutError:
            stacks = await self.stacks()
            await self.kill()
            raise AssertionError(f"the bot did not stop within {timeout:g} s of Ctrl-C{stacks}") from None

    async def stacks(self) -> str:
        """Where the running bot's threads are (py-spy, when installed beside this Python): a hung stop says
        what it waits for."""
        spy = Path(sys.executable).parent / "py-spy"
        if self.proc is None or not spy.exists():
            return ""
        dump = await asyncio.create_subprocess_exec(
            str(spy),
            "dump",
            "--pid",
            str(self.proc.pid),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            out, _ = await asyncio.wait_for(dump.communicate(), 20)
        except TimeoutError:
            dump.kill()
            return ""
        return "; its threads:\n" + out.decode(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


@dataclass
class Traffic:
    """Members chatting and claiming, steadily, whether or not the bot is up."""

    members: list[MemberHandle]
    channels: list[Channel]
    rng: random.Random
    posted: int = 0
    claims: int = 0
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _claims: set[asyncio.Task[None]] = field(default_factory=set)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._chat()), asyncio.create_task(self._command())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._claims:
            await asyncio.wait(self._claims)

    async def _chat(self) -> None:
        rng = self.rng
        while True:
            roll = rng.random()
            text = (
                rng.choice(["gm", "gm fam", "good morning all"])
                if roll < 0.15
                else long_message(rng)
                if roll < 0.3
                else rng.choice(["lol", "nice", "anyone here?", "brb", "ok"])
            )
            await rng.choice(self.members).say(rng.choice(self.channels), text)
            self.posted += 1
            await asyncio.sleep(rng.uniform(0.002, 0.01))

    async def _command(self) -> None:
        while True:
            task = asyncio.create_task(self._claim(self.rng.choice(self.members)))
            self._claims.add(task)
            task.add_done_callback(self._claims.discard)
            await asyncio.sleep(self.rng.uniform(0.02, 0.06))

    async def _claim(self, member: MemberHandle) -> None:
        self.claims += 1
        with contextlib.suppress(AssertionError):  # no answer: the bot was dead or dying, as in Discord
            await member.slash("claim", event=CLAIMABLE, reply_timeout=2)
