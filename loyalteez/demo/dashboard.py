"""`python bot.py --demo --web`: after the simulated week, the bot keeps serving its dashboard on data/demo.db.

The dashboard listens where LOYALTEEZ_WEB_HOST/LOYALTEEZ_WEB_PORT say (default 127.0.0.1:8080). Sign-in
works both ways without any setup: the printed one-time operator link (the code of `web-login`), or
"Sign in with Discord", which the loopback Discord approves as the club's admin. The demo's clock stays
at the end of the week, so every page shows the week as it ended.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from loyalteez.cli_commands.web_login import link_lines
from loyalteez.emulator import Emulator
from loyalteez.emulator.harness import Harness, app_factory
from loyalteez.emulator.rest_oauth import DEFAULT_SECRET
from loyalteez.web.settings import WebSettings, WebSettingsError, read_web_settings


@dataclass(frozen=True)
class Dashboard:
    """Where the demo's dashboard answers and the one-time link that signs in as the club's operator."""

    url: str
    server_id: str
    lines: list[str]  # what is printed: the address, the link and what it grants

    @property
    def link(self) -> str:
        return self.lines[1]


Serve = Callable[[Dashboard], Awaitable[None]]


def demo_web_settings(environ: Mapping[str, str] | None = None) -> WebSettings:
    """The environment's host, port and public URL; on whatever LOYALTEEZ_WEB says (the flag asked for it).

    A port already taken is said at once, not after the week was played.
    """
    settings = replace(read_web_settings(os.environ if environ is None else environ), enabled=True)
    if settings.port:
        try:
            socket.create_server((settings.host, settings.port)).close()
        except OSError as exc:
            why = os.strerror(exc.errno) if exc.errno else str(exc)
            raise WebSettingsError(
                f"the dashboard cannot listen on {settings.host}:{settings.port} ({why}): "
                "set LOYALTEEZ_WEB_PORT to a free port"
            ) from exc
    return settings


def web_app_factory(db_path: Path, web: WebSettings) -> Any:
    """The demo's App with its dashboard, signing in through the loopback Discord's OAuth2."""

    async def factory(emu: Emulator, path: Path, clock: Any, bot_options: dict[str, Any]) -> Any:
        settings = replace(web, client_id=str(emu.world.application_id), client_secret=DEFAULT_SECRET)
        return await app_factory(db_path=str(db_path), web=settings)(emu, path, clock, bot_options)

    return factory


async def open_dashboard(h: Harness, admin: Any) -> Dashboard:
    """The running dashboard's address and a fresh operator link; "Sign in with Discord" approves as `admin`."""
    web = h.app.web
    if web is None or web.port is None:
        raise DashboardUnavailable()
    h.emu.oauth.sign_in_as(admin)
    scope = await h.app.services.setup.scope_for(str(h.guild.id))
    link = await h.app.services.web.issue_login_link(scope)
    base = web.settings.base_url
    return Dashboard(base, str(h.guild.id), [f"Dashboard: {base}/s/{h.guild.id}/admin/kpis", *link_lines(base, link)])


class DashboardUnavailable(RuntimeError):
    """The dashboard could not listen (the log said why): the demo stops instead of serving nothing."""


async def serve_forever(dashboard: Dashboard) -> None:
    """The command line's way: print where to look, then serve until Ctrl+C."""
    print("\n".join([*dashboard.lines, "Serving the dashboard until Ctrl+C."]), flush=True)
    await asyncio.Event().wait()
