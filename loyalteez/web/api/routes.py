"""GET /api/v1/...: a brand's servers, leaderboards, members, KPI history and events, for other bots.

Each handler authenticates the bearer token (cookies are never read here), takes one request off the
token's rate limit, resolves the server within the token's brand (another brand's server is 404, the
same as one that does not exist), and makes its service call.
"""

from __future__ import annotations

import json

from aiohttp import web

from loyalteez.services.api import texts
from loyalteez.services.api.tokens import ApiClient
from loyalteez.store import Scope
from loyalteez.web.api import shapes
from loyalteez.web.api.errors import ApiError
from loyalteez.web.api.openapi import document
from loyalteez.web.context import context_of
from loyalteez.web.paging import page_number

routes = web.RouteTableDef()
V1 = "/api/v1"
CHALLENGE = 'Bearer realm="loyalteez"'


async def client_of(request: web.Request) -> ApiClient:
    """The token's brand, after the rate limit; 401 without a working token, 429 past the limit."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, texts.NO_TOKEN, {"WWW-Authenticate": CHALLENGE})
    api = context_of(request).services.api
    client = await api.authenticate(token.strip())
    if client is None:
        raise ApiError(401, texts.BAD_TOKEN, {"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})
    wait = api.admit(client)
    if wait is not None:
        raise ApiError(429, texts.slow_down(wait), {"Retry-After": str(wait)})
    return client


async def scope_of(request: web.Request) -> Scope:
    client = await client_of(request)
    scope = await context_of(request).services.api.scope_of(client, request.match_info["server_id"])
    if scope is None:
        raise ApiError(404, texts.NOT_FOUND)
    return scope


def _server_name(request: web.Request, server_id: str) -> str | None:
    info = context_of(request).directory.server(server_id)
    return info.name if info else None


@routes.get(f"{V1}/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    """The API's description (OpenAPI 3.1); public, like any API reference."""
    return web.json_response(document())


@routes.get(f"{V1}/servers")
async def servers(request: web.Request) -> web.Response:
    client = await client_of(request)
    found = await context_of(request).services.api.servers(client)
    return web.json_response({"servers": [shapes.server(s, _server_name(request, s.server_id)) for s in found]})


@routes.get(f"{V1}/servers/{{server_id}}")
async def server(request: web.Request) -> web.Response:
    scope = await scope_of(request)
    found = await context_of(request).services.api.server(scope)
    return web.json_response(shapes.server(found, _server_name(request, scope.server_id)))


@routes.get(f"{V1}/servers/{{server_id}}/leaderboard")
async def leaderboard(request: web.Request) -> web.Response:
    """The same board as /leaderboard and the web page: type, period, 1-based page."""
    scope = await scope_of(request)
    ctx = context_of(request)
    kind, period = request.query.get("type", "ltz_earned"), request.query.get("period", "all")
    board = await ctx.services.api.leaderboard(scope, kind, period, page_number(request))
    names = {row.member_id: ctx.directory.member_name(scope.server_id, row.member_id) for row in board.rows}
    return web.json_response(shapes.leaderboard(scope.server_id, board, names))


@routes.get(f"{V1}/servers/{{server_id}}/members/{{member_id}}")
async def member(request: web.Request) -> web.Response:
    """A member's balance, rank, streak and counts; 404 for someone neither in the server nor on record."""
    scope = await scope_of(request)
    ctx = context_of(request)
    figures = await ctx.services.api.member(scope, request.match_info["member_id"])
    name = ctx.directory.member_name(scope.server_id, figures.member_id)
    if name is None and not figures.known:
        raise ApiError(404, texts.NOT_FOUND)
    return web.json_response(shapes.member(scope.server_id, figures, name))


@routes.get(f"{V1}/servers/{{server_id}}/kpis")
async def kpis(request: web.Request) -> web.Response:
    """Daily KPI snapshots over 7, 30 or 90 days, with targets and alert state."""
    scope = await scope_of(request)
    days, metric = request.query.get("days"), request.query.get("metric")

    async def body() -> str:
        window, series = await context_of(request).services.api.kpi_history(scope, days, metric)
        return json.dumps(shapes.kpis(scope.server_id, window, series))

    # The same for every token of the brand (checked above, and counted against its limit): kept a moment
    # while the bot is busy.
    return web.json_response(text=await context_of(request).kept.get(("api kpis", scope, days, metric), body))


@routes.get(f"{V1}/servers/{{server_id}}/events")
async def events(request: web.Request) -> web.Response:
    scope = await scope_of(request)
    rules = await context_of(request).services.api.events(scope)
    return web.json_response({"server_id": scope.server_id, "events": [shapes.event(rule) for rule in rules]})
