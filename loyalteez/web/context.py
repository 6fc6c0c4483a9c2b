"""What every page handler reaches through its request: services, the bot's guild cache, templates, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from aiohttp import web

from loyalteez.clock import Clock
from loyalteez.services.access.permissions import Caller
from loyalteez.web.settings import WebSettings

if TYPE_CHECKING:
    from loyalteez.discord.directory import ServerInfo
    from loyalteez.services.container import Services
    from loyalteez.web.oauth import OAuthClient
    from loyalteez.web.templates import Templates


class Directory(Protocol):
    """The bot's guild cache as the web needs it (loyalteez/discord/directory.py implements it)."""

    def ready(self) -> bool: ...

    def server(self, server_id: str) -> ServerInfo | None: ...

    def caller(self, server_id: str, user_id: str) -> Caller | None: ...

    def member_name(self, server_id: str, user_id: str) -> str | None: ...

    def servers_of(self, user_id: str) -> list[ServerInfo]: ...


@dataclass
class PendingState:
    """An OAuth `state` waiting for Discord to send the browser back: bound to one browser, used once."""

    binding: str
    expires_at: float
    next_path: str


@dataclass
class WebContext:
    settings: WebSettings
    services: Services
    directory: Directory
    clock: Clock
    templates: Templates
    oauth: OAuthClient
    secret: bytes  # signs session cookies; new per process, so a restart signs everyone out
    states: dict[str, PendingState] = field(default_factory=dict)


CONTEXT = web.AppKey("loyalteez_web", WebContext)


def context_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT]
