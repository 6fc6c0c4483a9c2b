"""What every page handler reaches through its request: services, the bot's guild cache, templates, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from aiohttp import web

from loyalteez.clock import Clock
from loyalteez.services.access.permissions import Caller
from loyalteez.web.settings import WebSettings

if TYPE_CHECKING:
    from loyalteez.discord.directory import Named, ServerInfo
    from loyalteez.services.container import Services
    from loyalteez.services.drops import Drop
    from loyalteez.services.perks.roles import RoleFacts
    from loyalteez.store import Scope
    from loyalteez.web.kept import KeptAnswers
    from loyalteez.web.oauth import OAuthClient
    from loyalteez.web.templates import Templates


class Directory(Protocol):
    """The bot's guild cache as the web needs it (loyalteez/discord/directory.py implements it)."""

    def ready(self) -> bool: ...

    def server(self, server_id: str) -> ServerInfo | None: ...

    def caller(self, server_id: str, user_id: str) -> Caller | None: ...

    def member_name(self, server_id: str, user_id: str) -> str | None: ...

    def members_named(self, server_id: str, typed: str) -> list[Named]: ...

    def servers_of(self, user_id: str) -> list[ServerInfo]: ...

    def text_channels(self, server_id: str) -> list[Named]: ...

    def roles(self, server_id: str) -> list[Named]: ...

    def role_facts(self, server_id: str, role_id: str) -> RoleFacts | None: ...

    def may_post_reports(self, server_id: str, channel_id: str) -> bool: ...


class DropDesk(Protocol):
    """Drops need Discord to post and close their message (loyalteez/discord/drop_posting.py: WebDrops)."""

    async def create_button_drop(
        self,
        scope: Scope,
        caller: Caller,
        *,
        event: str,
        channel_id: str,
        lifespan: str | None,
        label: str | None,
        description: str | None,
    ) -> Drop: ...

    async def end_drop(self, scope: Scope, caller: Caller, ref: str) -> Drop: ...


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
    kept: KeptAnswers  # answers kept a moment while the bot is busy (web/kept.py)
    oauth: OAuthClient
    secret: bytes  # signs session cookies; new per process, so a restart signs everyone out
    drops: DropDesk | None = None  # None: no bot to post with (drops pages say so)
    states: dict[str, PendingState] = field(default_factory=dict)


CONTEXT = web.AppKey("loyalteez_web", WebContext)


def context_of(request: web.Request) -> WebContext:
    return request.app[CONTEXT]
