"""The viewer-level admin pages: KPI dashboard, segments, /stats, the audit log and the rewards ledger.

Each handler is `admin_visit(request, Level.VIEWER)` (404 for non-members, 403 below viewer) and then the
same service method the slash command calls, which checks the level again; names come from the bot's
guild cache. The CSVs stream straight from the services' batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aiohttp import web

from loyalteez.services.access.permissions import Level
from loyalteez.services.admin_reads import MemberLookup
from loyalteez.services.analytics import texts as kpi_texts
from loyalteez.services.analytics.dashboard import KpiTrend
from loyalteez.services.analytics.input import SEGMENTS
from loyalteez.web import texts
from loyalteez.web.access import Visit, admin_visit
from loyalteez.web.charts import Chart, trend_chart
from loyalteez.web.context import context_of
from loyalteez.web.downloads import stream_csv
from loyalteez.web.paging import page_number
from loyalteez.web.templates import render

routes = web.RouteTableDef()
AUDIT_FILTERS = ("member", "type", "event", "from", "to")


def _names(request: web.Request, found: Visit, ids: Iterable[str | None]) -> dict[str, str]:
    """Member id -> display name now (the id itself when the bot does not see them)."""
    directory = context_of(request).directory
    return {i: directory.member_name(found.server_id, i) or i for i in {i for i in ids if i}}


def _formatter(metric: str) -> Callable[[float | None], str]:
    return lambda value: kpi_texts.fmt(metric, value)


def _stamp(request: web.Request) -> str:
    return f"{context_of(request).clock.now():%Y%m%d-%H%M%S}"


@routes.get("/s/{server_id}/admin/kpis")
async def kpis(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.VIEWER)
    asked = request.query.get("days")

    async def trends_and_charts() -> tuple[int, list[tuple[KpiTrend, Chart]]]:
        days, trends = await context_of(request).services.analytics.kpi_dashboard(found.scope, caller, asked)
        charts = [trend_chart(t.days, t.values, t.target_value, _formatter(t.metric), t.title) for t in trends]
        return days, list(zip(trends, charts, strict=True))

    # The same for every viewer of the server (access was checked above): kept a moment while the bot is busy.
    days, rows = await context_of(request).kept.get(("kpis", found.scope, asked), trends_and_charts)
    return render(request, "kpis.html", visit=found, level=level, days=days, rows=rows, nav="admin/kpis", title="KPIs")


@routes.get("/s/{server_id}/admin/segments")
async def segments(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.VIEWER)
    counts = await context_of(request).services.analytics.segment_counts(found.scope, caller)
    return render(
        request, "segments.html", visit=found, level=level, counts=counts, titles=kpi_texts.SEGMENT_TITLES,
        nav="admin/segments", title="Segments",
    )  # fmt: skip


@routes.get("/s/{server_id}/admin/segments/{segment}")
async def segment(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.VIEWER)
    name = request.match_info["segment"]
    if name not in SEGMENTS:
        raise web.HTTPNotFound()
    shown = await context_of(request).services.analytics.segment_page(found.scope, caller, name, page_number(request))
    return render(
        request, "segment.html", visit=found, level=level, shown=shown, heading=kpi_texts.SEGMENT_TITLES[name],
        names=_names(request, found, (member for member, _ in shown.rows)), value_text=texts.segment_value,
        nav="admin/segments", title="Segment",
    )  # fmt: skip


@routes.get("/s/{server_id}/admin/stats")
async def stats(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.VIEWER)
    period = request.query.get("period") or "week"
    breakdown = request.query.get("breakdown") or None
    result = await context_of(request).services.rewards.admin.stats(found.scope, caller, period, breakdown)
    names = _names(request, found, (line.name for line in result.breakdown)) if breakdown == "users" else {}
    return render(
        request, "stats.html", visit=found, level=level, stats=result, period=period, breakdown=breakdown or "",
        names=names, nav="admin/stats", title="Stats",
    )  # fmt: skip


def _members(request: web.Request, found: Visit) -> MemberLookup:
    """The audit filter's name lookup: the server's own members (the bot's guild cache), nobody else."""
    directory = context_of(request).directory
    return lambda typed: [(m.id, m.name) for m in directory.members_named(found.server_id, typed)]


def _filters(request: web.Request) -> dict[str, str]:
    return {name: request.query[name] for name in AUDIT_FILTERS if request.query.get(name, "").strip()}


@routes.get("/s/{server_id}/admin/audit")
async def audit(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.VIEWER)
    filters = _filters(request)
    shown = await context_of(request).services.rewards.admin.audit_page(
        found.scope, caller, filters, page_number(request), _members(request, found)
    )
    ids = [i for e in shown.entries for i in (e.actor_id, e.target_user_id)]
    return render(
        request, "audit.html", visit=found, level=level, shown=shown, filters=filters,
        names=_names(request, found, ids), details=texts.audit_details, nav="admin/audit", title="Audit log",
    )  # fmt: skip


@routes.get("/s/{server_id}/admin/audit.csv")
async def audit_csv(request: web.Request) -> web.StreamResponse:
    found, caller, _level = await admin_visit(request, Level.VIEWER)
    chunks = await context_of(request).services.rewards.admin.audit_export(
        found.scope, caller, _filters(request), _members(request, found)
    )
    return await stream_csv(request, f"loyalteez-audit-{found.server_id}-{_stamp(request)}.csv", chunks)


@routes.get("/s/{server_id}/admin/ledger")
async def ledger(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.VIEWER)
    shown = await context_of(request).services.rewards.admin.ledger_page(found.scope, caller, page_number(request))
    return render(
        request, "ledger.html", visit=found, level=level, shown=shown,
        names=_names(request, found, (r.member_id for r in shown.rows)), nav="admin/ledger", title="Ledger",
    )  # fmt: skip


@routes.get("/s/{server_id}/admin/ledger.csv")
async def ledger_csv(request: web.Request) -> web.StreamResponse:
    found, caller, _level = await admin_visit(request, Level.VIEWER)
    chunks = await context_of(request).services.rewards.admin.ledger_export(found.scope, caller)
    return await stream_csv(request, f"loyalteez-ledger-{found.server_id}-{_stamp(request)}.csv", chunks)
