"""The web dashboard's access rules: which servers show pages to everyone, and one-time operator links.

Admin levels on the web are the Discord ones (permissions.level_of over the member's current roles, read
fresh like every slash command). A server's public pages are off until a full admin turns them on with
/config web. An operator link (`python bot.py web-login`) is a random secret kept only as its hash in the
server's config metadata: it expires, works once, and a new link leaves older ones valid until they expire.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from loyalteez.clock import Clock
from loyalteez.services import server_settings
from loyalteez.services.access import audit
from loyalteez.services.access.gate import open_admin
from loyalteez.services.access.permissions import Caller, Level, level_of
from loyalteez.store import Scope, Store

PUBLIC_KEY = "web_public"
LINKS_KEY = "web_login_links"
LINK_LIFETIME = timedelta(minutes=10)
MAX_OPEN_LINKS = 5


@dataclass(frozen=True)
class LoginLink:
    token: str  # shown once; the store keeps only its hash
    expires_at: datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """`<server id>.<secret>`: the server id says whose metadata holds the hash."""
    server_id, dot, secret = token.partition(".")
    if not dot or not server_id.isdigit() or len(secret) < 20:
        return None
    return server_id, secret


class WebAccess:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def level(self, scope: Scope, caller: Caller) -> Level:
        """The caller's admin level here, from their current roles and the server's admin-role mapping."""
        return level_of(caller, await self.store.scoped(scope).rewards.metadata())

    async def require(self, scope: Scope, caller: Caller, needed: Level) -> Level:
        """Like every admin slash command: PermissionDenied naming the level when the caller is below it."""
        await open_admin(self.store, scope, caller, needed)
        return await self.level(scope, caller)

    async def is_public(self, scope: Scope) -> bool:
        return bool((await self.store.scoped(scope).rewards.metadata()).get(PUBLIC_KEY))

    async def set_public(self, scope: Scope, caller: Caller, public: bool) -> bool:
        """/config web public: full admins only; audited like every config change."""
        data = await open_admin(self.store, scope, caller, Level.FULL_ADMIN)
        await server_settings.set_metadata(data, caller.user_id, "config.web_public", {PUBLIC_KEY: public})
        return public

    async def issue_login_link(self, scope: Scope) -> LoginLink:
        """A one-time operator link for the command line (whoever runs it already holds the database)."""
        now = self.clock.now()
        secret = secrets.token_urlsafe(32)
        expires = now + LINK_LIFETIME
        data = self.store.scoped(scope)
        async with data.rewards.transaction():
            links = self._open_links(await data.rewards.metadata(), now)
            links.append({"hash": _digest(secret), "expires_at": expires.isoformat()})
            await data.rewards.set_metadata({LINKS_KEY: links[-MAX_OPEN_LINKS:]})
            await audit.record(data, actor_type="system", actor_id=None, action="web.login_link_issued",
                               details={"expires_at": expires.isoformat()})  # fmt: skip
        return LoginLink(f"{scope.server_id}.{secret}", expires)

    async def redeem_login_link(self, token: str) -> Scope | None:
        """The server the link signs in to, or None when it is unknown, used or expired. Works once."""
        parts = split_token(token)
        if parts is None:
            return None
        server_id, secret = parts
        link = await self.store.server_link(server_id)
        if not link or not link["is_active"]:
            return None
        data = self.store.scoped(Scope(link["brand_id"], server_id))
        now, wanted = self.clock.now(), _digest(secret)
        async with data.rewards.transaction():
            links = self._open_links(await data.rewards.metadata(), now)
            kept = [entry for entry in links if not hmac.compare_digest(str(entry.get("hash")), wanted)]
            if len(kept) == len(links):
                return None
            await data.rewards.set_metadata({LINKS_KEY: kept})
            await audit.record(data, actor_type="system", actor_id=None, action="web.login_link_used")
        return data.scope

    @staticmethod
    def _open_links(metadata: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
        links = metadata.get(LINKS_KEY) or []
        return [
            entry
            for entry in links
            if isinstance(entry, dict) and datetime.fromisoformat(str(entry.get("expires_at"))) > now
        ]
