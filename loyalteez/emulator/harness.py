"""Start an emulator and a real bot connected to it, for tests and the offline demo.

    async with running_bot(tmp_path) as h:          # the real Loyalteez App (loyalteez.app)
        alice = h.guild.member("alice")
        reply = await alice.slash("balance")

`app_factory` swaps in another app (e.g. `BareBotApp` around a test-only `discord.Bot`). Any app
works that has `start()`, `wait_ready()`, `close()` and optionally `wait_idle()`, and exposes its
py-cord client as `.bot` or `.client` (or is one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discord.http import Route

from loyalteez.clock import ManualClock

from .driver import GuildHandle
from .server import Emulator

log = logging.getLogger("loyalteez.emulator.harness")

TOKEN = "emu-token"
AppFactory = Callable[[Emulator, Path, ManualClock, dict[str, Any]], Awaitable[Any]]


@dataclass
class Harness:
    emu: Emulator
    app: Any
    bot: Any  # the py-cord client inside the app
    clock: ManualClock
    guild: GuildHandle
    db_path: Path
    start_task: asyncio.Task[Any] = field(repr=False)

    async def settle(self, timeout: float = 5.0) -> None:
        await self.emu.settle(timeout)


class BareBotApp:
    """Adapts a bare `discord.Bot` to the App interface (emulator tests, experiments)."""

    def __init__(self, bot: Any, token: str = TOKEN) -> None:
        self.bot, self._token = bot, token
        self._task: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        self._task = asyncio.current_task()
        await self.bot.start(self._token)

    async def wait_ready(self) -> None:
        await self.bot.wait_until_ready()

    async def wait_idle(self) -> None:
        return None

    async def close(self) -> None:
        # py-cord's close() shuts the HTTP session under a running connect loop; cancel that loop first.
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.bot.close()


def bare_bot_factory(make_bot: Callable[[], Any]) -> AppFactory:
    """A factory for `running_bot` from a function that builds a `discord.Bot`."""

    async def factory(emu: Emulator, db_path: Path, clock: ManualClock, bot_options: dict[str, Any]) -> Any:
        return BareBotApp(make_bot())

    return factory


def app_factory(**settings: Any) -> AppFactory:
    """The real Loyalteez App on the emulator; `settings` override Settings fields (database_url, db_path,
    history_replay, ...). Without db_path or database_url it uses the temporary SQLite file running_bot names."""

    async def factory(emu: Emulator, db_path: Path, clock: ManualClock, bot_options: dict[str, Any]) -> Any:
        from loyalteez.app import build_app
        from loyalteez.settings import Settings

        fields = {"discord_token": TOKEN, "db_path": str(db_path), "discord_api_base": emu.api_base_url, **settings}
        return await build_app(Settings(**fields), clock=clock, bot_options=bot_options)

    return factory


real_app_factory = app_factory()  # the real App on a temporary SQLite file


def client_of(app: Any) -> Any:
    for name in ("bot", "client"):
        client = getattr(app, name, None)
        if client is not None:
            return client
    return app


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    """py-cord sleeps 5 s before every re-IDENTIFY (a rate-limit courtesy); pointless on loopback."""
    return None


@contextlib.asynccontextmanager
async def running_bot(
    tmp_path: Path,
    *,
    app_factory: AppFactory | None = None,
    emulator: Emulator | None = None,
    guild_name: str = "Test Server",
    clock: ManualClock | None = None,
    bot_options: dict[str, Any] | None = None,
    strict: bool = True,
    ready_timeout: float = 10.0,
) -> AsyncIterator[Harness]:
    """An emulator on a free loopback port plus the bot connected to it; torn down on exit.

    With `strict`, leaving the block fails if the emulator hit an internal error or refused a
    request as real Discord would (tests that provoke a refusal clear `emu.rejected_requests`).
    """
    clock = clock or ManualClock()
    emu = emulator or Emulator(token=TOKEN, clock=clock)
    await emu.start()
    previous_base = Route.API_BASE_URL
    Route.API_BASE_URL = emu.api_base_url
    guild = emu.guild(guild_name) if any(g.name == guild_name for g in emu.world.guilds.values()) \
        else emu.create_guild(guild_name)  # fmt: skip
    options = {"guild_ready_timeout": 0.2, **(bot_options or {})}
    app = None
    start_task: asyncio.Task[Any] | None = None
    try:
        app = await (app_factory or real_app_factory)(emu, tmp_path / "loyalteez-test.db", clock, options)
        bot = client_of(app)
        bot.before_identify_hook = _no_identify_wait
        emu.attach_client(bot)
        if hasattr(app, "wait_idle"):
            emu.app_idle = app.wait_idle
        start_task = asyncio.create_task(app.start(), name="harness: app.start")
        emu.bot_task = start_task
        await _wait_ready(app, start_task, ready_timeout)
        harness = Harness(emu, app, bot, clock, guild, tmp_path / "loyalteez-test.db", start_task)
        await emu.settle()
        yield harness
        if not start_task.done():
            await emu.settle()
    finally:
        await _shutdown(app, start_task)
        await emu.stop()
        Route.API_BASE_URL = previous_base
    if strict:
        assert not emu.errors, f"the emulator hit internal errors: {emu.errors}"
        assert not emu.rejected_requests, f"real Discord would refuse these bot requests: {emu.rejected_requests}"


async def _wait_ready(app: Any, start_task: asyncio.Task[Any], timeout: float) -> None:
    ready = asyncio.ensure_future(app.wait_ready())
    done, _ = await asyncio.wait({ready, start_task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if ready in done:
        ready.result()
        return
    ready.cancel()
    if start_task in done:
        error = start_task.exception()
        raise AssertionError(f"the bot stopped before it was ready: {error!r}") from error
    raise AssertionError(f"the bot was not ready within {timeout}s")


async def _shutdown(app: Any, start_task: asyncio.Task[Any] | None) -> None:
    if app is not None:
        try:
            await asyncio.wait_for(app.close(), 10)
        except Exception as exc:  # teardown must go on; one line, no traceback
            log.warning("app.close() failed: %s: %s", type(exc).__name__, exc)
    if start_task is not None and not start_task.done():
        start_task.cancel()
    if start_task is not None:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await start_task
