"""Admin pages. The landing page needs the viewer level; later pages (KPIs, audit, settings) hang off it.

Every admin handler starts with `admin_visit(request, Level.X)`: 404 for non-members, 403 below the level.
"""

from __future__ import annotations

from aiohttp import web

from loyalteez.services.access.permissions import Level
from loyalteez.web.access import admin_visit
from loyalteez.web.context import context_of
from loyalteez.web.templates import render

routes = web.RouteTableDef()


@routes.get("/s/{server_id}/admin")
async def admin_home(request: web.Request) -> web.Response:
    found, _caller, level = await admin_visit(request, Level.VIEWER)
    public = await context_of(request).services.web.is_public(found.scope)
    return render(request, "admin.html", visit=found, level=level, public=public, title="Admin")
