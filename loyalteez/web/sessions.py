"""Sessions in a signed cookie: who is signed in, for which servers, and the browser's CSRF token.

Nothing secret sits in the cookie (ids and a display name), and the HMAC over it means a browser cannot
change it. HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), Secure when the
dashboard's public URL is https. Every visitor gets one on the first page, so every form has a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, replace
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.web.api import is_api_path
from loyalteez.web.context import context_of

COOKIE = "ltz_session"
MAX_AGE = 7 * 24 * 3600
SESSION = web.RequestKey("loyalteez_session", object)
CHANGED = web.RequestKey("loyalteez_session_changed", bool)


@dataclass(frozen=True)
class Session:
    csrf: str
    issued: float
    user_id: str | None = None
    name: str | None = None
    server_ids: tuple[str, ...] = ()  # servers Discord said the user is in that the bot shares
    operator_of: str | None = None  # a one-time operator link signed in to this server

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None or self.operator_of is not None

    @staticmethod
    def fresh(now: float) -> Session:
        return Session(csrf=secrets.token_urlsafe(32), issued=now)


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()).decode().rstrip("=")


def encode(secret: bytes, session: Session) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(asdict(session), separators=(",", ":")).encode()).decode()
    return f"{payload}.{_sign(secret, payload.encode())}"


def decode(secret: bytes, cookie: str, now: float) -> Session | None:
    payload, dot, signature = cookie.partition(".")
    if not dot or not hmac.compare_digest(_sign(secret, payload.encode()), signature):
        return None
    try:
        raw: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload.encode() + b"=" * (-len(payload) % 4)))
        session = Session(**{**raw, "server_ids": tuple(raw.get("server_ids") or ())})
    except (ValueError, TypeError):
        return None
    return session if 0 <= now - session.issued <= MAX_AGE else None


def session_of(request: web.Request) -> Session:
    found = request.get(SESSION)
    assert isinstance(found, Session), "the session middleware runs before every handler"
    return found


def start_session(request: web.Request, **who: Any) -> Session:
    """Sign in: a new session (new CSRF token too, so one planted before sign-in is worthless)."""
    session = replace(Session.fresh(context_of(request).clock.now().timestamp()), **who)
    request[SESSION], request[CHANGED] = session, True
    return session


def end_session(request: web.Request) -> None:
    request[SESSION], request[CHANGED] = Session.fresh(context_of(request).clock.now().timestamp()), True


@web.middleware
async def session_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    ctx = context_of(request)
    now = ctx.clock.now().timestamp()
    if is_api_path(request.path):  # the API authenticates by token only: no cookie is read or set
        request[SESSION], request[CHANGED] = Session.fresh(now), False
        return await handler(request)
    raw = request.cookies.get(COOKIE)
    session = decode(ctx.secret, raw, now) if raw else None
    request[SESSION], request[CHANGED] = session or Session.fresh(now), session is None
    response = await handler(request)
    if request[CHANGED]:
        response.set_cookie(
            COOKIE,
            encode(ctx.secret, session_of(request)),
            max_age=MAX_AGE,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=ctx.settings.secure_cookies,
        )
    return response


__all__ = ["COOKIE", "Session", "end_session", "session_of", "start_session"]
