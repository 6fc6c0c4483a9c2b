"""Wiring: settings -> store -> services -> py-cord bot. Built once at start-up, the same in tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord

from loyalteez import logsafe
from loyalteez.clock import Clock, SystemClock
from loyalteez.discord.bot import LoyalteezBot, make_bot
from loyalteez.discord.directory import GuildDirectory
from loyalteez.discord.drop_posting import DropMessages, WebDrops
from loyalteez.services.analytics.scheduler import Job
from loyalteez.services.container import Services, build_services
from loyalteez.services.maintenance.backups import BackupJob
from loyalteez.settings import Settings
from loyalteez.store import Store
from loyalteez.web.app import WebError, WebServer

log = logging.getLogger("loyalteez.app")
DISCORD_API_BASE = discord.http.Route.API_BASE_URL
# A stop's deadlines (seconds): the commands and chat already read, then the last group commit. Together with
# closing the pool (at most 10 s) they keep `bot.py run` within a supervisor's usual stop timeout.
FINISH_WITHIN = 10.0
WRITES_WITHIN = 10.0


@dataclass
class App:
    settings: Settings
    clock: Clock
    store: Store
    services: Services
    bot: LoyalteezBot
    web: WebServer | None = None  # the dashboard, on this loop (LOYALTEEZ_WEB=off: None)
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    async def start(self) -> None:
        """Connect and serve until closed. The API base URL only changes to reach the local emulator."""
        discord.http.Route.API_BASE_URL = self.settings.discord_api_base or DISCORD_API_BASE
        if not self.settings.discord_token:
            raise RuntimeError("no DISCORD_TOKEN: nothing to log in with")
        self._task = asyncio.current_task()
        if self.web is not None and self.web.port is None:
            try:
                await self.web.start()
            except WebError as exc:  # the bot still serves Discord; the operator reads why there is no dashboard
                log.warning("%s", exc)
        await self.bot.start(self.settings.discord_token)

    async def wait_ready(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self.bot.wait_until_ready(), timeout)

    async def wait_idle(self) -> None:
        await self.services.wait_idle()

    async def close(self) -> None:
        """Stop reading the gateway, finish what was read, write what is queued, then close: in that order
        because the answers to acknowledged commands need the HTTP session and the database, and each step
        has a deadline, so a stop on a slow database still ends in well under a minute.

        The gateway stops before the HTTP session (py-cord's own close order breaks the connect loop).
        """
        if self.web is not None:
            await self.web.stop()  # no page may start a service call while the services close
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()  # no new events (under `bot.py run` the cancelled serving task is the caller)
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        cancelled = await self.bot.dispatcher.finish(FINISH_WITHIN)
        if cancelled:
            log.warning(
                "stopping: %d command(s), click(s) or chat event(s) were still being handled after %.0f s; "
                "stopped unanswered (nothing of them committed is lost; chat comes back through catch-up)",
                cancelled,
                FINISH_WITHIN,
            )
        try:
            await asyncio.wait_for(self.services.wait_idle(), WRITES_WITHIN)
        except TimeoutError:
            log.warning(
                "stopping: the queued reward writes did not commit within %.0f s; the messages they held are "
                "counted by catch-up at the next start",
                WRITES_WITHIN,
            )
        await self.services.analytics.stop()  # no scheduled report may start posting while the bot closes
        if not self.bot.is_closed():
            await self.bot.close()
        try:
            await asyncio.wait_for(self.services.close(), WRITES_WITHIN)
        except TimeoutError:
            log.warning("stopping: the services did not close within %.0f s; closing the database", WRITES_WITHIN)
        await self.store.close()


async def build_app(
    settings: Settings, clock: Clock | None = None, *, bot_options: dict[str, Any] | None = None
) -> App:
    clock = clock or SystemClock()
    logsafe.register_secret(settings.discord_token)
    logsafe.register_url(settings.database_url)
    store = await Store.open(settings.database_url or settings.db_path, clock)
    services = build_services(
        store,
        clock,
        catchup_window=timedelta(hours=settings.catchup_hours),
        history_replay=settings.history_replay,
        lease_seconds=settings.processes.leader_lease_seconds,
    )
    options = dict(bot_options or {})
    if settings.emulator_timings:
        options.setdefault("guild_ready_timeout", 0.2)
    shards = settings.processes
    bot = make_bot(services, shard_count=shards.shard_count, shard_ids=shards.shard_ids, **options)
    if settings.emulator_timings:
        bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
    if settings.backup_keep and not settings.database_url:
        database = Path(settings.db_path)
        folder = Path(settings.backup_dir) if settings.backup_dir else database.parent / "backups"
        job = BackupJob(database, folder, settings.backup_keep)
        services.analytics.scheduler.jobs.append(Job("backup", BackupJob.CRON, job.run))
    web = None
    if settings.web.enabled:
        drops = WebDrops(DropMessages(bot, services.drops))
        web = WebServer(
            settings.web,
            services,
            GuildDirectory(bot),
            clock,
            discord_api_base=settings.discord_api_base,
            drops=drops,
        )
    return App(settings=settings, clock=clock, store=store, services=services, bot=bot, web=web)


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    """py-cord waits 5 s before each re-IDENTIFY (Discord's rate limit); the local emulator has none."""
    return None
