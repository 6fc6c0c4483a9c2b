"""Server settings on the web (full admins): role bonuses, admin roles, excluded channels, test mode and the
streak rules, each form one `/config` command calling its service method (same checks, same audit rows with
`source: web`, same cache generation, so Discord follows at once).

A role or channel picked in a form must be one of this server's, as a slash option's is: anything else is
refused in one sentence before any service call (the page has checked the level already); none picked is
passed on as not given and refused, where the command needs one, with the command's own sentence. Giving a
role an admin level goes through the same rule as `/config admin-roles` (only a full admin; never a role a
perk sells).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from loyalteez.services.access.permissions import ASSIGNABLE, Caller, Level
from loyalteez.services.errors import ValidationError
from loyalteez.services.perks import texts as perk_texts
from loyalteez.services.rewards import texts as reward_texts
from loyalteez.web.access import Visit, admin_visit
from loyalteez.web.context import context_of
from loyalteez.web.forms import Form, submit
from loyalteez.web.manage import render_manage

routes = web.RouteTableDef()
ACTIONS = "bonus-set|bonus-remove|admin-role-add|admin-role-remove|exclude|include|test-mode|streaks"


def own_role(request: web.Request, found: Visit, role_id: str | None) -> str | None:
    """The picked role's id (None: none picked); one that is not this server's role is refused, as Discord
    never lets a slash option name another server's role."""
    if role_id is None:
        return None
    if role_id not in {r.id for r in context_of(request).directory.roles(found.server_id)}:
        raise ValidationError("role", perk_texts.ROLE_OTHER_SERVER)
    return role_id


def own_channel(request: web.Request, found: Visit, channel_id: str | None) -> str | None:
    """The picked channel's id (None: none picked); another server's channel is refused."""
    if channel_id is None:
        return None
    if channel_id not in {c.id for c in context_of(request).directory.text_channels(found.server_id)}:
        raise ValidationError("channel", reward_texts.CHANNEL_NOT_HERE)
    return channel_id


async def _page(
    request: web.Request, found: Visit, caller: Caller, level: Level, *, error: str | None = None, form: Any = None
) -> web.Response:
    ctx = context_of(request)
    admin = ctx.services.rewards.admin
    overview = await admin.overview(found.scope, caller)
    roles = ctx.directory.roles(found.server_id)
    channels = ctx.directory.text_channels(found.server_id)
    return render_manage(
        request,
        "manage_settings.html",
        visit=found,
        nav="manage/settings",
        level=level,
        overview=overview,
        admin_roles=sorted((await admin.admin_roles(found.scope, caller)).items()),
        streaks=await ctx.services.streaks.current_settings(found.scope, caller),
        role_names={r.id: r.name for r in roles},
        channel_names={c.id: c.name for c in channels},
        role_choices=[(r.id, f"@{r.name}") for r in roles],
        channel_choices=[(c.id, f"#{c.name}") for c in channels],
        level_choices=[(lv.label, lv.label) for lv in ASSIGNABLE],
        form=form or {},
        error=error,
        saved=request.query.get("saved") == "1",
        title="Settings",
    )


@routes.get("/s/{server_id}/manage/settings")
async def settings(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.FULL_ADMIN)
    return await _page(request, found, caller, level)


@routes.post("/s/{server_id}/manage/settings/{action:" + ACTIONS + "}")
async def change_setting(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.FULL_ADMIN)
    services = context_of(request).services
    admin = services.rewards.admin
    action = request.match_info["action"]

    async def change(form: Form) -> str:
        role = own_role(request, found, form.text("role"))
        channel = own_channel(request, found, form.text("channel"))
        if action == "bonus-set":
            effects = {
                "multiplier": form.number("multiplier"),
                "flat_bonus": form.integer("flat_bonus", "flat-bonus"),
                "cooldown_reduction": form.integer("cooldown_reduction", "cooldown-reduction"),
            }
            await admin.set_role_bonuses(found.scope, caller, role, effects, form.integer("priority"))
        elif action == "bonus-remove":
            await admin.remove_role_bonuses(found.scope, caller, role)
        elif action in ("admin-role-add", "admin-role-remove"):
            names = {r.id: r.name for r in context_of(request).directory.roles(found.server_id)}
            name = f"@{names[role]}" if role else ""
            await admin.set_admin_role(
                found.scope, caller, role, form.text("level"), remove=action.endswith("remove"), role_mention=name
            )
        elif action == "exclude":
            await admin.exclude_channel(found.scope, caller, channel)
        elif action == "include":
            await admin.include_channel(found.scope, caller, channel)
        elif action == "test-mode":
            await admin.set_test_mode(found.scope, caller, form.checked("enable"), role)
        else:
            await services.streaks.configure(
                found.scope,
                caller,
                grace_hours=form.integer("grace_period", "grace-period"),
                multipliers=form.text("multipliers"),
                milestones=form.text("milestones"),
                reset=form.checked("reset"),
            )
        return f"/s/{found.server_id}/manage/settings?saved=1"

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _page(request, found, caller, level, error=error, form={action: form})

    return await submit(request, change, again)
