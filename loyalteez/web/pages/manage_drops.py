"""Drops on the web (event managers): a button drop posted into a channel the admin picks, the live drops,
and ending one. The message is posted and closed by the same code as `/drop` (discord/drop_posting.py):
the channel must be one of this server's, and the message pings nobody. The drop is recorded and audited
by the drops service as `/drop create` does it, actor the signed-in admin, `source: web`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.errors import ValidationError
from loyalteez.web import texts
from loyalteez.web.access import Visit, admin_visit
from loyalteez.web.context import DropDesk, context_of
from loyalteez.web.forms import Form, submit
from loyalteez.web.manage import render_manage

routes = web.RouteTableDef()


def _drops_url(found: Visit) -> str:
    return f"/s/{found.server_id}/manage/drops"


def _desk(request: web.Request) -> DropDesk:
    desk = context_of(request).drops
    if desk is None:
        raise ValidationError("channel", texts.NO_BOT)
    return desk


async def _page(
    request: web.Request, found: Visit, caller: Caller, level: Level, *, error: str | None = None, form: Any = None
) -> web.Response:
    ctx = context_of(request)
    drops = ctx.services.drops
    live = await drops.listing(found.scope, caller)
    channels = {c.id: c.name for c in ctx.directory.text_channels(found.server_id)}
    return render_manage(
        request,
        "manage_drops.html",
        visit=found,
        nav="manage/drops",
        level=level,
        live=live,
        drop_status=drops.status,
        channel_names=channels,
        event_choices=[(e, e) for e in await drops.droppable_events(found.scope, "")],
        channel_choices=[(cid, f"#{name}") for cid, name in channels.items()],
        form=form or {},
        error=error,
        saved=request.query.get("saved") == "1",
        title="Drops",
    )


@routes.get("/s/{server_id}/manage/drops")
async def drops_page(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    return await _page(request, found, caller, level)


@routes.post("/s/{server_id}/manage/drops")
async def create_drop(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)

    async def create(form: Form) -> str:
        await _desk(request).create_button_drop(
            found.scope,
            caller,
            event=form.raw("event"),
            channel_id=form.raw("channel").strip(),
            lifespan=form.text("lifespan"),
            label=form.text("label"),
            description=form.text("description"),
        )
        return _drops_url(found) + "?saved=1"

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _page(request, found, caller, level, error=error, form=form)

    return await submit(request, create, again)


@routes.post("/s/{server_id}/manage/drops/{drop_id}/end")
async def end_drop(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)

    async def end(_form: Form) -> str:
        await _desk(request).end_drop(found.scope, caller, request.match_info["drop_id"])
        return _drops_url(found) + "?saved=1"

    async def again(error: str, _form: dict[str, Any]) -> web.Response:
        return await _page(request, found, caller, level, error=error)

    return await submit(request, end, again)
