"""Pages a server can share with everyone (/config web public:true): the leaderboard and community goals.

Members of the server see them either way; anyone else gets 404 unless the server opted in.
"""

from __future__ import annotations

from aiohttp import web

from loyalteez.services import standings
from loyalteez.web import texts
from loyalteez.web.access import public_visit
from loyalteez.web.context import context_of
from loyalteez.web.paging import page_number
from loyalteez.web.templates import render

routes = web.RouteTableDef()


@routes.get("/s/{server_id}/")
async def server_home(request: web.Request) -> web.Response:
    found = await public_visit(request)
    ctx = context_of(request)
    level = await ctx.services.web.level(found.scope, found.caller) if found.caller else None
    return render(request, "server.html", visit=found, level=level, title=found.name)


@routes.get("/s/{server_id}/leaderboard")
async def leaderboard(request: web.Request) -> web.Response:
    """The same board as /leaderboard: type, period and 1-based page from the query string."""
    found = await public_visit(request)
    ctx = context_of(request)
    kind = request.query.get("type", "ltz_earned")
    period = request.query.get("period", "all")
    board = await ctx.services.standings.leaderboard(
        found.scope, kind, period, page_number(request), found.member_id or ""
    )
    names = {row.member_id: ctx.directory.member_name(found.server_id, row.member_id) for row in board.rows}
    return render(
        request,
        "leaderboard.html",
        visit=found,
        board=board,
        names=names,
        kinds=standings.BOARD_TITLES,
        periods={"all": "All time", "month": "This month", "week": "This week"},
        empty=texts.EMPTY_BOARD,
        title=board.title,
    )


@routes.get("/s/{server_id}/goals")
async def goals(request: web.Request) -> web.Response:
    found = await public_visit(request)
    ctx = context_of(request)
    today = ctx.services.goals.today()
    rows = [
        {
            "goal": goal,
            "status": goal.status(today),
            "percent": 100 if goal.target <= 0 else min(100, int(goal.value * 100 // goal.target)),
        }
        for goal in await ctx.services.goals.current(found.scope)
    ]
    return render(request, "goals.html", visit=found, rows=rows, empty=texts.NO_GOALS, title="Community goals")
