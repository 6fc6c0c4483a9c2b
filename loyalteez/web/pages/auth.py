"""Signing in and out: Discord OAuth2 (single-use `state`) and one-time operator links from the command line."""

from __future__ import annotations

import logging
import secrets

from aiohttp import web

from loyalteez.web import texts
from loyalteez.web.access import redirect
from loyalteez.web.context import PendingState, context_of
from loyalteez.web.oauth import OAuthError
from loyalteez.web.sessions import end_session, session_of, start_session
from loyalteez.web.templates import render

log = logging.getLogger("loyalteez.web.auth")
routes = web.RouteTableDef()
STATE_LIFETIME = 600.0  # seconds a visitor has to approve on Discord
MAX_PENDING = 1000  # states waiting at once; the oldest go first


def _local_path(raw: str | None) -> str:
    """Only a path on this site: a sign-in never sends the browser on to another one."""
    return raw if raw and raw.startswith("/") and not raw.startswith("//") and "\\" not in raw else "/"


def redirect_uri(request: web.Request) -> str:
    return context_of(request).settings.base_url + "/auth/callback"


@routes.get("/login")
async def login(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    if not ctx.settings.oauth_ready:
        return render(request, "error.html", status=503, message=texts.SIGN_IN_UNAVAILABLE, sign_in=False,
                      title="Sign in")  # fmt: skip
    now = ctx.clock.monotonic()
    for key in [k for k, pending in ctx.states.items() if pending.expires_at <= now]:
        del ctx.states[key]
    while len(ctx.states) >= MAX_PENDING:
        del ctx.states[next(iter(ctx.states))]
    state = secrets.token_urlsafe(32)
    # Bound to this browser's session: a state started elsewhere cannot finish here (login CSRF).
    ctx.states[state] = PendingState(session_of(request).csrf, now + STATE_LIFETIME,
                                     _local_path(request.query.get("next")))  # fmt: skip
    return redirect(ctx.oauth.authorize_url(state, redirect_uri(request)))


@routes.get("/auth/callback")
async def callback(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    if request.query.get("error"):
        return render(request, "error.html", status=400, message=texts.OAUTH_DENIED, sign_in=True, title="Sign in")
    pending = ctx.states.pop(request.query.get("state", ""), None)  # single use, whatever happens next
    code = request.query.get("code", "")
    if (
        pending is None
        or pending.expires_at <= ctx.clock.monotonic()
        or not secrets.compare_digest(pending.binding, session_of(request).csrf)
        or not code
    ):
        return render(request, "error.html", status=400, message=texts.OAUTH_FAILED, sign_in=True, title="Sign in")
    try:
        user = await ctx.oauth.sign_in(code, redirect_uri(request))
    except OAuthError as exc:
        log.warning("Discord sign-in failed: %s", exc)
        return render(request, "error.html", status=400, message=texts.OAUTH_FAILED, sign_in=True, title="Sign in")
    shared = {s.server_id for s in ctx.directory.servers_of(user.user_id)}
    start_session(request, user_id=user.user_id, name=user.name,
                  server_ids=tuple(g for g in user.guild_ids if g in shared))  # fmt: skip
    return redirect(pending.next_path)


@routes.get("/login/link/{token}")
async def link_page(request: web.Request) -> web.StreamResponse:
    """A confirm button, not an instant sign-in: link previews (Discord unfurls links) must not use it up."""
    return render(request, "link.html", token=request.match_info["token"], title="Sign in")


@routes.post("/login/link/{token}")
async def link_sign_in(request: web.Request) -> web.StreamResponse:
    ctx = context_of(request)
    scope = await ctx.services.web.redeem_login_link(request.match_info["token"])
    if scope is None:
        return render(request, "error.html", status=400, message=texts.LINK_INVALID, sign_in=False, title="Sign in")
    info = ctx.directory.server(scope.server_id)
    start_session(request, operator_of=scope.server_id,
                  name=texts.operator_name(info.name if info else scope.server_id))  # fmt: skip
    return redirect(f"/s/{scope.server_id}/")


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    end_session(request)
    return redirect("/")
