"""Reward events on the web (event managers): everything `/config events` does, through the same service
methods, so the same checks, the same audit rows (with `source: web`) and the same cache generation apply:
a change pays in Discord from the next message.

A blank field is an option not given. Editing sends only the fields that differ from the event as shown,
like a slash command given only the options the admin typed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from loyalteez.services.access.permissions import Caller, Level
from loyalteez.services.rewards import triggers
from loyalteez.services.rewards.admin import EventInput
from loyalteez.services.rewards.rules import Rule
from loyalteez.web.access import Visit, admin_visit, redirect
from loyalteez.web.context import context_of
from loyalteez.web.forms import Form, submit
from loyalteez.web.manage import render_manage

routes = web.RouteTableDef()
NUMBERS = ("reward", "cooldown", "max_claims", "max_total_claims")
OPTIONS = {option.name: option for option in triggers.options()}  # keywords, min_length, ...


def shown(rule: Rule) -> dict[str, Any]:
    """An event's values as its edit form shows them (and as edits are compared with)."""
    values: dict[str, Any] = {
        "reward": str(rule.reward_amount),
        "cooldown": str(rule.cooldown_hours or 0),
        "max_claims": str(rule.max_claims_per_user) if rule.max_claims_per_user else "-1",
        "max_total_claims": str(rule.max_total_claims) if rule.max_total_claims else "-1",
        "trigger": rule.trigger,
        "channels": sorted(rule.channels),
    }
    for name, option in OPTIONS.items():
        value = option.export(rule) if rule.trigger in triggers.taking(option) else None
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        values[name] = "" if value is None else str(value)
    return values


def event_input(form: Form, before: dict[str, Any] | None) -> EventInput:
    """The form as `/config events` options; with `before` (an edit), only what was changed."""

    def given(name: str) -> str | None:
        value = form.text(name)
        if before is not None and (value is None or value == before.get(name)):
            return None
        return value

    def number(name: str) -> int | None:
        value = given(name)
        return None if value is None else form.integer(name, name.replace("_", "-"))

    chosen = form.many("channels")
    channels: str | None = " ".join(chosen) or "any"
    if before is None and not chosen:
        channels = None  # create: anywhere, the default
    elif before is not None and sorted(chosen) == before["channels"]:
        channels = None
    return EventInput(
        reward=number("reward"),
        cooldown_hours=number("cooldown"),
        max_claims_per_user=number("max_claims"),
        max_total_claims=number("max_total_claims"),
        channels=channels,
        trigger=given("trigger"),
        keywords=given("keywords"),
        min_length=number("min_length"),
        min_reactions=number("min_reactions"),
        minutes_per_payout=number("minutes_per_payout"),
    )


def _channel_ids(request: web.Request, found: Visit) -> frozenset[str]:
    return frozenset(c.id for c in context_of(request).directory.text_channels(found.server_id))


def _channel_choices(request: web.Request, found: Visit) -> list[tuple[str, str]]:
    return [(c.id, f"#{c.name}") for c in context_of(request).directory.text_channels(found.server_id)]


def _events_url(found: Visit, name: str | None = None) -> str:
    base = f"/s/{found.server_id}/manage/events"
    return base if name is None else f"{base}/{quote(name, safe='')}"


async def _list_page(
    request: web.Request, found: Visit, caller: Caller, level: Level, *, error: str | None = None, form: Any = None
) -> web.Response:
    ctx = context_of(request)
    rules = await ctx.services.rewards.admin.events(found.scope, caller)
    return render_manage(
        request,
        "manage_events.html",
        visit=found,
        nav="manage/events",
        level=level,
        rules=rules,
        describe=describe,
        form=form or {},
        error=error,
        saved=request.query.get("saved") == "1",
        channel_choices=_channel_choices(request, found),
        trigger_choices=[(t, t) for t in triggers.admin_names()],
        options=_option_help(),
        title="Reward events",
    )


async def _edit_page(
    request: web.Request,
    found: Visit,
    caller: Caller,
    level: Level,
    rule: Rule,
    *,
    error: str | None = None,
    form: Any = None,
) -> web.Response:
    return render_manage(
        request,
        "manage_event.html",
        visit=found,
        nav="manage/events",
        level=level,
        rule=rule,
        form=form or shown(rule),
        error=error,
        channel_choices=_channel_choices(request, found),
        trigger_choices=[(t, t) for t in sorted({*triggers.admin_names(), rule.trigger})],
        options=_option_help(),
        title=f"Event {rule.event_type}",
    )


def _option_help() -> list[tuple[str, str, str]]:
    """(field, label, which triggers take it) for the trigger options."""
    return [
        (name, option.description, ", ".join(triggers.taking(option)))
        for name, option in OPTIONS.items()
        if name != "keywords"
    ]


def describe(rule: Rule) -> str:
    """One line of limits for the events table."""
    parts = []
    if rule.cooldown_hours:
        parts.append(f"cooldown {rule.cooldown_hours}h")
    if rule.max_claims_per_user:
        parts.append(f"max {rule.max_claims_per_user}/member")
    if rule.max_total_claims:
        parts.append(f"max {rule.max_total_claims} total")
    if detail := triggers.summary(rule):
        parts.append(detail)
    if rule.server_id is None:
        parts.append("brand-wide")
    return ", ".join(parts)


async def _rule(request: web.Request, found: Visit, caller: Caller, name: str) -> Rule:
    rules = await context_of(request).services.rewards.admin.events(found.scope, caller)
    rule = next((r for r in rules if r.event_type == name), None)
    if rule is None:
        raise web.HTTPNotFound()
    return rule


@routes.get("/s/{server_id}/manage/events")
async def events(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    return await _list_page(request, found, caller, level)


@routes.post("/s/{server_id}/manage/events")
async def create_event(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    admin = context_of(request).services.rewards.admin

    async def create(form: Form) -> str:
        given = event_input(form, None)
        await admin.create_event(found.scope, caller, form.text("name"), given, _channel_ids(request, found))
        return _events_url(found) + "?saved=1"

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _list_page(request, found, caller, level, error=error, form=form)

    return await submit(request, create, again)


@routes.get("/s/{server_id}/manage/events/{name}")
async def event(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    rule = await _rule(request, found, caller, request.match_info["name"])
    return await _edit_page(request, found, caller, level, rule)


@routes.post("/s/{server_id}/manage/events/{name}")
async def edit_event(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    rule = await _rule(request, found, caller, request.match_info["name"])
    admin = context_of(request).services.rewards.admin

    async def edit(form: Form) -> str:
        given = event_input(form, shown(rule))
        await admin.edit_event(found.scope, caller, rule.event_type, given, _channel_ids(request, found))
        return _events_url(found) + "?saved=1"

    async def again(error: str, form: dict[str, Any]) -> web.Response:
        return await _edit_page(request, found, caller, level, rule, error=error, form=form)

    return await submit(request, edit, again)


@routes.post("/s/{server_id}/manage/events/{name}/toggle")
async def toggle_event(request: web.Request) -> web.Response:
    found, caller, _level = await admin_visit(request, Level.EVENT_MANAGER)
    await context_of(request).services.rewards.admin.toggle_event(found.scope, caller, request.match_info["name"])
    return redirect(_events_url(found) + "?saved=1")


@routes.post("/s/{server_id}/manage/events/{name}/delete")
async def delete_event(request: web.Request) -> web.Response:
    found, caller, level = await admin_visit(request, Level.EVENT_MANAGER)
    admin = context_of(request).services.rewards.admin

    async def delete(_form: Form) -> str:
        await admin.delete_event(found.scope, caller, request.match_info["name"])
        return _events_url(found) + "?saved=1"

    async def again(error: str, _form: dict[str, Any]) -> web.Response:
        return await _list_page(request, found, caller, level, error=error)

    return await submit(request, delete, again)
