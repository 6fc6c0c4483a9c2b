"""A member's own page: balance, rank, streak, achievements with progress, perks bought, reward history."""

from __future__ import annotations

from aiohttp import web

from loyalteez.web import texts
from loyalteez.web.access import member_visit
from loyalteez.web.context import context_of
from loyalteez.web.paging import page_number
from loyalteez.web.sessions import session_of
from loyalteez.web.templates import render

routes = web.RouteTableDef()


@routes.get("/s/{server_id}/me")
async def me(request: web.Request) -> web.Response:
    found, caller = await member_visit(request)
    ctx = context_of(request)
    services, member_id = ctx.services, caller.user_id
    return render(
        request,
        "member.html",
        visit=found,
        member_name=ctx.directory.member_name(found.server_id, member_id) or session_of(request).name or member_id,
        balance=await services.standings.balance(found.scope, member_id),
        streak=await services.streaks.status(found.scope, member_id),
        achievements=await services.achievements.of_member(found.scope, member_id),
        perks=await services.perks.bought_by(found.scope, member_id),
        history=await services.standings.history(found.scope, member_id, page_number(request)),
        texts=texts,
        title="My rewards",
    )
