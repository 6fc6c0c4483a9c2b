"""KPI targets and the scheduled KPI report on the web (full admins): `/kpi set|enable|disable|remove` and
`/report schedule|off`, through the same analytics service methods (same checks, audit rows with
`source: web`). The report's channel must be one of this server's where the bot may post, read from the
guild cache exactly as the slash command reads it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.analytics import input as analytics_input
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.web.access import Visit, admin_visit
from loyalteez.web.context import context_of
from loyalteez.web.forms import Form, submit
from loyalteez.web.manage import render_manage

routes = web.RouteTableDef()
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


async def _page(
    request: web.Request, found: Visit, caller: Caller, level: Level, *, error: str | None = None, form: Any = None
) -> web.Response:
    ctx = context_of(request)
    analytics = ctx.services.analytics
    channels = ctx.directory.text_channels(found.server_id)
    targets = await analytics.list_targets(found.scope, caller)
    return render_manage(
        request,
        "manage_kpis.html",
        visit=found,
        nav="manage/kpis",
        level=level,
        targets=targets,
        schedule=await analytics.report_schedule(found.scope, caller),
        weekdays=WEEKDAYS,
        channel_names={c.id: c.name for c in channels},
        metric_choices=[(m, m) for m in KPIS.targetable()],
        target_choices=[(t.metric, t.metric) for t in targets],
        period_choices=[(p, p) for p in analytics_input.PERIOD_DAYS],
        frequency_choices=[(f, f) for f in analytics_input.FREQUENCIES],
        weekday_choices=[(str(n), day) for n, day in enumerate(WEEKDAYS)],
        channel_choices=[(c.id, f"#{c.name}") for c in channels],
        form=form or {},
        error=error,
        saved=request.query.get("saved") == "1",
        title="KPI targets and reports",
    )


@routes.get("/s/{server_id}/manage/kpis")
async def kpis(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.FULL_ADMIN)
    return await _page(request, found, caller, level)


@routes.post("/s/{server_id}/manage/kpis/{action:set|enable|disable|remove|schedule|off}")
async def change_kpis(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.FULL_ADMIN)
    ctx = context_of(request)
    analytics = ctx.services.analytics
    action = request.match_info["action"]

    async def change(form: Form) -> str:
        metric = form.raw("metric")
        if action == "set":
            threshold = form.number("alert_threshold", "alert-threshold")
            await analytics.set_target(found.scope, caller, metric, form.raw("target"), form.text("period"), threshold)
        elif action in ("enable", "disable"):
            await analytics.set_target_active(found.scope, caller, metric, action == "enable")
        elif action == "remove":
            await analytics.remove_target(found.scope, caller, metric)
        elif action == "schedule":
            channel = form.raw("channel").strip()
            names = {c.id: c.name for c in ctx.directory.text_channels(found.server_id)}
            await analytics.schedule_report(
                found.scope,
                caller,
                form.raw("frequency"),
                channel,
                form.integer("day_of_week", "day-of-week"),
                channel_here=channel in names,
                channel_writable=channel in names and ctx.directory.may_post_reports(found.server_id, channel),
                channel_mention=f"#{names.get(channel, channel)}",
            )
        else:
            await analytics.report_off(found.scope, caller)
        return f"/s/{found.server_id}/manage/kpis?saved=1"

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _page(request, found, caller, level, error=error, form={action: form})

    return await submit(request, change, again)
