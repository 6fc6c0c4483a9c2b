"""`python bot.py web-login --server ID`: a one-time link that signs in to the dashboard as the server's operator.

For operators without a Discord OAuth application. Whoever can run this already holds the database, so
the link grants full admin on that one server; it expires after 10 minutes and works once.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from loyalteez.clock import SystemClock
from loyalteez.services.access.setup import SetupService
from loyalteez.services.access.web import LoginLink, WebAccess
from loyalteez.settings import Settings
from loyalteez.store import Store

COMMANDS = ("web-login",)


def add_parsers(commands: Any) -> None:
    login = commands.add_parser(
        "web-login",
        help="print a one-time dashboard link that signs in as a server's operator (full admin)",
        description="The link expires after 10 minutes and works once; the bot must be running with the "
        "dashboard on (LOYALTEEZ_WEB, LOYALTEEZ_WEB_PUBLIC_URL).",
    )
    login.add_argument("--server", required=True, metavar="ID", help="the Discord server id (connected)")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    server_id = str(args.server).strip()
    if not server_id.isdigit():
        print(f"Error: --server must be a Discord server id (digits), not {server_id!r}", file=sys.stderr)
        return 2
    clock = SystemClock()
    store = await Store.open(settings.database_url or settings.db_path, clock)
    try:
        scope = await SetupService(store, clock).scope_for(server_id)
        if scope is None:
            print(
                f"Error: server {server_id} is not connected to a brand: run /setup connect there first",
                file=sys.stderr,
            )
            return 2
        link = await WebAccess(store, clock).issue_login_link(scope)
    finally:
        await store.close()
    print("\n".join(link_lines(settings.web.base_url, link)))
    return 0


def link_lines(base_url: str, link: LoginLink) -> list[str]:
    """What an operator is shown: the link, then how long it works and what it grants."""
    return [
        f"{base_url}/login/link/{link.token}",
        f"Works once, until {link.expires_at:%Y-%m-%d %H:%M} UTC. Anyone with it is a full admin of that server.",
    ]
