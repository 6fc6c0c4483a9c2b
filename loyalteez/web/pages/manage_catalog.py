"""Achievements and community goals (event managers) and perks (perk managers) on the web.

Each form is one slash command (`/achievement create|edit|toggle`, `/goal create|progress|end`,
`/perk create|edit|remove`) and calls its service method, so checks, audit rows (`source: web`) and the
caches are the command's. The item an edit acts on is chosen by name in the form, as in Discord; a blank
field is an option not given. A perk's role is picked from this server's roles and handed to the perks
service as Discord describes it (RoleFacts), so the rule that keeps powerful roles off sale, and roles
above the seller's own, is the one /perk applies.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.achievements.service import TYPES as ACHIEVEMENT_TYPES
from loyalteez.services.goals.service import TYPES as GOAL_TYPES
from loyalteez.services.perks import KEEP
from loyalteez.services.perks.roles import RoleFacts
from loyalteez.web.access import Visit, admin_visit
from loyalteez.web.context import context_of
from loyalteez.web.forms import Form, submit
from loyalteez.web.manage import render_manage

routes = web.RouteTableDef()
NO_ROLE = "none"  # the perk edit form's "stop giving a role"


def _url(found: Visit, page: str) -> str:
    return f"/s/{found.server_id}/manage/{page}?saved=1"


def _pairs(values: Any) -> list[tuple[str, str]]:
    return [(str(v), str(v)) for v in values]


# -- achievements ----------------------------------------------------------------------------------------------


async def _achievements_page(
    request: web.Request, found: Visit, caller: Caller, level: Level, *, error: str | None = None, form: Any = None
) -> web.Response:
    rows = await context_of(request).services.achievements.listing(found.scope, caller)
    return render_manage(
        request,
        "manage_achievements.html",
        visit=found,
        nav="manage/achievements",
        level=level,
        rows=rows,
        types=_pairs(ACHIEVEMENT_TYPES),
        names=_pairs(a.name for a, _done in rows),
        form=form or {},
        error=error,
        saved=request.query.get("saved") == "1",
        title="Achievements",
    )


@routes.get("/s/{server_id}/manage/achievements")
async def achievements(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    return await _achievements_page(request, found, caller, level)


@routes.post("/s/{server_id}/manage/achievements/{action:create|edit|toggle}")
async def change_achievement(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    service = context_of(request).services.achievements
    action = request.match_info["action"]

    async def change(form: Form) -> str:
        if action == "create":
            await service.create(
                found.scope,
                caller,
                name=form.raw("name"),
                description=form.text("description"),
                kind=form.raw("type"),
                threshold=form.integer("threshold") or 0,
                reward=form.integer("reward") or 0,
            )
        elif action == "edit":
            await service.edit(
                found.scope,
                caller,
                form.raw("name"),
                description=form.text("description"),
                threshold=form.integer("threshold"),
                reward=form.integer("reward"),
            )
        else:
            await service.toggle(found.scope, caller, form.raw("name"))
        return _url(found, "achievements")

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _achievements_page(request, found, caller, level, error=error, form={action: form})

    return await submit(request, change, again)


# -- goals -----------------------------------------------------------------------------------------------------


async def _goals_page(
    request: web.Request, found: Visit, caller: Caller, level: Level, *, error: str | None = None, form: Any = None
) -> web.Response:
    ctx = context_of(request)
    goals = await ctx.services.goals.listing(found.scope, caller)
    live = [g for g in goals if g.ended_at is None]
    return render_manage(
        request,
        "manage_goals.html",
        visit=found,
        nav="manage/goals",
        level=level,
        goals=goals,
        today=ctx.clock.now().date(),
        types=_pairs(GOAL_TYPES),
        custom=_pairs(g.name for g in live if g.kind == "custom" and g.completed_at is None),
        live=_pairs(g.name for g in live),
        form=form or {},
        error=error,
        saved=request.query.get("saved") == "1",
        title="Community goals",
    )


@routes.get("/s/{server_id}/manage/goals")
async def goals(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    return await _goals_page(request, found, caller, level)


@routes.post("/s/{server_id}/manage/goals/{action:create|progress|end}")
async def change_goal(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    service = context_of(request).services.goals
    action = request.match_info["action"]

    async def change(form: Form) -> str:
        if action == "create":
            await service.create(
                found.scope,
                caller,
                name=form.raw("name"),
                kind=form.raw("type"),
                target=form.integer("target") or 0,
                deadline=form.text("deadline"),
            )
        elif action == "progress":
            await service.progress(found.scope, caller, form.raw("name"), form.integer("amount") or 0)
        else:
            await service.end(found.scope, caller, form.raw("name"))
        return _url(found, "goals")

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _goals_page(request, found, caller, level, error=error, form={action: form})

    return await submit(request, change, again)


# -- perks -----------------------------------------------------------------------------------------------------


async def _perks_page(
    request: web.Request, found: Visit, caller: Caller, level: Level, *, error: str | None = None, form: Any = None
) -> web.Response:
    ctx = context_of(request)
    perks = await ctx.services.perks.catalog(found.scope)
    roles = ctx.directory.roles(found.server_id)
    return render_manage(
        request,
        "manage_perks.html",
        visit=found,
        nav="manage/perks",
        level=level,
        perks=perks,
        role_names={r.id: r.name for r in roles},
        role_choices=[(r.id, f"@{r.name}") for r in roles],
        names=_pairs(p.name for p in perks),
        no_role=NO_ROLE,
        form=form or {},
        error=error,
        saved=request.query.get("saved") == "1",
        title="Perks",
    )


def _role(request: web.Request, found: Visit, role_id: str) -> RoleFacts:
    """The picked role as Discord describes it; an id that is not one of this server's roles is passed on as
    such, and the perks service refuses it with its own sentence."""
    facts = context_of(request).directory.role_facts(found.server_id, role_id)
    return facts if facts is not None else RoleFacts(role_id=role_id, mention="that role", of_server=False)


@routes.get("/s/{server_id}/manage/perks")
async def perks(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.PERK_MANAGER)
    return await _perks_page(request, found, caller, level)


@routes.post("/s/{server_id}/manage/perks/{action:create|edit|remove}")
async def change_perk(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.PERK_MANAGER)
    service = context_of(request).services.perks
    action = request.match_info["action"]

    async def change(form: Form) -> str:
        picked = form.text("role")
        if action == "create":
            await service.create(
                found.scope,
                caller,
                name=form.raw("name"),
                cost=form.integer("cost") or 0,
                category=form.text("category"),
                quantity=-1 if form.text("quantity") is None else form.integer("quantity") or 0,
                role=_role(request, found, picked) if picked else None,
                description=form.text("description"),
            )
        elif action == "edit":
            role: Any = KEEP if picked is None else None if picked == NO_ROLE else _role(request, found, picked)
            await service.edit(
                found.scope,
                caller,
                form.raw("name"),
                cost=form.integer("cost"),
                category=form.text("category"),
                quantity=form.integer("quantity"),
                role=role,
                description=form.text("description"),
            )
        else:
            await service.remove(found.scope, caller, form.raw("name"))
        return _url(found, "perks")

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _perks_page(request, found, caller, level, error=error, form={action: form})

    return await submit(request, change, again)
