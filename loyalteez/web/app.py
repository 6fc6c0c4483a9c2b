"""The dashboard's aiohttp Application and the server that runs it on the bot's own event loop.

`WebServer.start()` is awaited by App.start before the bot connects and `stop()` by App.close, so one
process (`python bot.py`) serves Discord and the web with the same services, store and clock.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.clock import Clock
from loyalteez.services.access.audit import acting_from
from loyalteez.web.api import routes as api
from loyalteez.web.api.errors import api_errors
from loyalteez.web.context import CONTEXT, Directory, DropDesk, WebContext
from loyalteez.web.csrf import csrf_middleware
from loyalteez.web.errors import error_pages
from loyalteez.web.kept import KeptAnswers, forget_on_write
from loyalteez.web.oauth import OAuthClient
from loyalteez.web.pages import (
    admin,
    auth,
    home,
    manage_catalog,
    manage_drops,
    manage_events,
    manage_kpis,
    manage_settings,
    member,
    public,
    viewer,
)
from loyalteez.web.security import security_headers
from loyalteez.web.sessions import session_middleware
from loyalteez.web.settings import WebSettings
from loyalteez.web.templates import Templates
from loyalteez.web.turns import TURNS, Turns, take_turns

if TYPE_CHECKING:
    from loyalteez.services.container import Services

log = logging.getLogger("loyalteez.web")
STATIC = Path(__file__).parent / "static"
# A new page module goes here (docs/web.md).
READS = (home, auth, public, member, admin, viewer, api)
WRITES = (manage_events, manage_drops, manage_catalog, manage_settings, manage_kpis)  # /s/{id}/manage/...
PAGES = READS + WRITES


class WebError(RuntimeError):
    """The dashboard could not start; the message says why in one sentence."""


@web.middleware
async def audited_as_web(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every audit row a page's service call writes says `source: web` (the actor is the signed-in member)."""
    with acting_from("web"):
        return await handler(request)


def build_web_app(context: WebContext) -> web.Application:
    app = web.Application(
        # api_errors inside error_pages: refusals under /api are JSON, never the dashboard's HTML pages
        middlewares=[
            take_turns,
            security_headers,
            session_middleware,
            error_pages,
            api_errors,
            csrf_middleware,
            forget_on_write,
            audited_as_web,
        ],
        client_max_size=1024**2,
    )
    app[CONTEXT] = context
    app[TURNS] = Turns(context.clock, lambda: context.services.rewards.writer.busy)
    for module in PAGES:
        app.router.add_routes(module.routes)
    app.router.add_static("/static/", STATIC, append_version=False)
    return app


class WebServer:
    def __init__(
        self,
        settings: WebSettings,
        services: Services,
        directory: Directory,
        clock: Clock,
        *,
        discord_api_base: str | None = None,
        drops: DropDesk | None = None,
    ) -> None:
        self.settings = settings
        self.context = WebContext(
            settings=settings,
            services=services,
            directory=directory,
            clock=clock,
            templates=Templates(),
            kept=KeptAnswers(clock, lambda: services.rewards.writer.busy),
            oauth=OAuthClient(discord_api_base, settings.client_id, settings.client_secret),
            secret=secrets.token_bytes(32),
            drops=drops,
        )
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def url(self) -> str:
        """Where this process answers (the public URL may be a proxy in front of it)."""
        return f"http://{self.settings.host}:{self.port}"

    async def start(self) -> None:
        runner = web.AppRunner(build_web_app(self.context), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            sock = socket.create_server((self.settings.host, self.settings.port), reuse_port=False)
        except OSError as exc:
            await runner.cleanup()
            why = os.strerror(exc.errno) if exc.errno else str(exc)
            raise WebError(
                f"The dashboard cannot listen on {self.settings.host}:{self.settings.port} ({why}), so the "
                "bot runs without it: set LOYALTEEZ_WEB_PORT to a free port, or LOYALTEEZ_WEB=off."
            ) from exc
        self.port = sock.getsockname()[1]
        if self.settings.port == 0:  # tests ask for any free port; OAuth redirects need the real one
            self.settings = self.context.settings = replace(self.settings, port=self.port)
        await web.SockSite(runner, sock).start()
        self._runner = runner
        log.info("dashboard at %s", self.settings.public_url or self.url)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
