"""The front page: the signed-in visitor's connected servers, or the sign-in button; and /healthz."""

from __future__ import annotations

from aiohttp import web

from loyalteez.web.access import caller_in
from loyalteez.web.context import context_of
from loyalteez.web.sessions import session_of
from loyalteez.web.templates import render

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """For supervisors: the web server answers, and says whether the bot is connected to Discord yet."""
    return web.json_response({"status": "ok", "discord": context_of(request).directory.ready()})


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    ctx, session = context_of(request), session_of(request)
    servers = []
    wanted = [session.operator_of] if session.operator_of is not None else list(session.server_ids)
    for server_id in wanted:
        if await ctx.services.setup.scope_for(server_id) is None or caller_in(request, server_id) is None:
            continue  # not connected, or no longer a member (the bot's cache is current)
        info = ctx.directory.server(server_id)
        servers.append({"id": server_id, "name": info.name if info else server_id})
    return render(request, "home.html", servers=servers, title="Loyalteez")
