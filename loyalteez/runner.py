"""Running the bot for real: build the app, connect, and turn Discord's refusals into one clear sentence.

Before anything is opened the database is checked for writability and locked for this process: a second
bot on the same database is refused, naming the first one's PID. An unreachable Discord (no network, DNS
down, Discord's outage) is a sentence and a retry with growing waits, as a service should do; a refused
token or intent is final (exit 2), since retrying cannot fix it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import aiohttp
import discord

from loyalteez import collector
from loyalteez.app import DISCORD_API_BASE, App, build_app
from loyalteez.cli_commands import texts
from loyalteez.settings import Settings
from loyalteez.shutdown import StopDeadline, hard_exit, stop_on_sigterm, stray_threads
from loyalteez.store import DatabaseError
from loyalteez.store.instance_lock import hold_shards
from loyalteez.store.sqlite_db import check_path, write_problem

log = logging.getLogger("loyalteez")
FIRST_RETRY = 1.0  # seconds before the second attempt to reach Discord; doubled each time
LAST_RETRY = 60.0  # the longest wait between two attempts
STRAY_WAIT = 2.0  # seconds threads left after the stop get to end before the process exits without them
UNREACHABLE = (aiohttp.ClientConnectionError, TimeoutError, OSError, discord.DiscordServerError)


def ensure_writable(settings: Settings) -> None:
    """A database this user cannot write would only fail at the first reward: refuse to start instead."""
    if settings.database_url:
        return
    path = Path(settings.db_path)
    check_path(path, create=True)
    problem = write_problem(path)
    if problem:
        raise DatabaseError(problem)


async def _serve(settings: Settings, deadline: StopDeadline | None = None) -> int:
    ensure_writable(settings)
    shards = settings.processes
    command = " ".join(["bot.py run", shards.describe()]).strip()
    lock = await hold_shards(settings.database_url or settings.db_path, command, shards.shards, shards.shard_count)
    try:
        app = await build_app(settings)
        log.info("database %s ready", (settings.database_url and "(PostgreSQL)") or settings.db_path)
        collector.settle_for_serving()
        stopping = stop_on_sigterm()
        try:
            await _connect(app, settings)
        except asyncio.CancelledError:
            if not stopping.is_set():
                raise
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()  # handled: the close below may use timeouts of its own
        except discord.LoginFailure:
            print(
                "Discord rejected DISCORD_TOKEN: reset the token on your application's Bot page and "
                "put the new one in .env.",
                file=sys.stderr,
            )
            return 2
        except discord.PrivilegedIntentsRequired:
            print(
                "Discord refused the Server Members / Message Content intents: turn both on in the "
                "developer portal (your application > Bot > Privileged Gateway Intents).",
                file=sys.stderr,
            )
            return 2
        finally:
            if deadline is not None:
                deadline.start()
            await app.close()
    finally:
        await lock.release()
    return 0


async def _connect(app: App, settings: Settings) -> None:
    """Log in and serve; while Discord cannot be reached, say so and try again, waiting longer each time."""
    delay = FIRST_RETRY
    while True:
        try:
            await app.start()
            return
        except UNREACHABLE as exc:
            base = (settings.discord_api_base or DISCORD_API_BASE).format(API_VERSION=discord.http.API_VERSION)
            print(texts.cannot_reach_discord(base, _reason(exc), delay), file=sys.stderr, flush=True)
        await app.bot.http.close()  # the next login opens a fresh HTTP session
        await asyncio.sleep(delay)
        delay = min(delay * 2, LAST_RETRY)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "the name does not resolve: is the machine online?"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused"
        return exc.os_error.strerror or type(exc.os_error).__name__
    if isinstance(exc, discord.DiscordServerError):
        return f"Discord answered HTTP {exc.status}"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def run_bot(settings: Settings) -> int:
    deadline = StopDeadline()
    try:
        code = asyncio.run(_serve(settings, deadline))
    except KeyboardInterrupt:
        log.info("stopped")
        code = 0
    waiting = stray_threads(wait=STRAY_WAIT)
    if waiting:  # the interpreter would wait for them, maybe for ever: nothing of ours runs there any more
        log.warning("stopped; not waiting for threads still running: %s", ", ".join(waiting))
        hard_exit(code)
    deadline.cancel()
    return code
