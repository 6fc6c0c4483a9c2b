"""From a request to (scope, caller): the web's version of the cogs' `gate.scope(ctx)` + `caller_of(ctx)`.

A server that is not connected, or that the visitor is not a member of, answers 404 (never revealing that
it exists); a member below the level a page needs gets the services' PermissionDenied, shown as 403.
The caller is built from the bot's guild cache, so levels follow the member's current Discord roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from loyalteez.services.access.permissions import Caller, Level
from loyalteez.store import Scope
from loyalteez.web.context import context_of
from loyalteez.web.errors import SignInNeeded
from loyalteez.web.sessions import session_of

OPERATOR_ID = "0"  # the actor of an operator session when the bot does not know the server's owner


@dataclass(frozen=True)
class Visit:
    """One page view of one server: its scope and name, and who is looking (None: not a member)."""

    scope: Scope
    name: str
    caller: Caller | None

    @property
    def server_id(self) -> str:
        return self.scope.server_id

    @property
    def member_id(self) -> str | None:
        return self.caller.user_id if self.caller else None


def redirect(location: str) -> web.Response:
    """A 303 that still carries the session cookie (a raised HTTPFound would skip the session middleware)."""
    return web.Response(status=303, headers={"Location": location})


def caller_in(request: web.Request, server_id: str) -> Caller | None:
    """The signed-in visitor as a member of this server now, or None."""
    ctx, session = context_of(request), session_of(request)
    if session.operator_of == server_id:
        info = ctx.directory.server(server_id)
        owner = info.owner_id if info and info.owner_id else OPERATOR_ID
        return Caller(owner, server_id, is_owner=True)
    if session.user_id is None:
        return None
    return ctx.directory.caller(server_id, session.user_id)


async def visit(request: web.Request) -> Visit:
    """The server named in the address, connected to a brand, or 404."""
    ctx = context_of(request)
    server_id = request.match_info.get("server_id", "")
    scope = await ctx.services.setup.scope_for(server_id) if server_id.isdigit() else None
    if scope is None:
        raise web.HTTPNotFound()
    info = ctx.directory.server(server_id)
    return Visit(scope, info.name if info else server_id, caller_in(request, server_id))


async def public_visit(request: web.Request) -> Visit:
    """Public pages: anyone when the server opted in with /config web, otherwise its members only."""
    found = await visit(request)
    if found.caller is None and not await context_of(request).services.web.is_public(found.scope):
        if not session_of(request).signed_in:
            raise SignInNeeded()
        raise web.HTTPNotFound()
    return found


async def member_visit(request: web.Request) -> tuple[Visit, Caller]:
    found = await visit(request)
    if found.caller is None:
        if not session_of(request).signed_in:
            raise SignInNeeded()
        raise web.HTTPNotFound()
    return found, found.caller


async def admin_visit(request: web.Request, needed: Level) -> tuple[Visit, Caller, Level]:
    """Admin pages: members of the server only (404 for anyone else), at `needed` or above (403 below)."""
    found, caller = await member_visit(request)
    level = await context_of(request).services.web.require(found.scope, caller, needed)
    return found, caller, level
