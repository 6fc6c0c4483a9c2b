"""Every state-changing request carries the session's CSRF token (a hidden form field or a header).

A page on another site can make a browser POST here, but it cannot read the token out of our pages, so
a POST without the right token is refused before any handler runs. The one exemption is the JSON API
under /api with an `Authorization: Bearer` header: it never reads cookies, so a forged request cannot
borrow a browser's session there (and the API only reads anyway).
"""

from __future__ import annotations

import hmac

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.web import texts
from loyalteez.web.api import is_api_path
from loyalteez.web.sessions import session_of

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(web.HTTPForbidden):
    """Rendered by the error middleware as a 403 page naming the fix (reload and try again)."""

    def __init__(self) -> None:
        super().__init__(text=texts.CSRF_REJECTED)


def token_authenticated(request: web.Request) -> bool:
    """An API request that proves itself with a bearer token rather than a cookie."""
    return is_api_path(request.path) and request.headers.get("Authorization", "").lower().startswith("bearer ")


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in SAFE_METHODS and not token_authenticated(request):
        sent = request.headers.get(HEADER, "")
        if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            value = form.get(FIELD)
            sent = value if isinstance(value, str) else ""
        if not sent or not hmac.compare_digest(sent, session_of(request).csrf):
            raise CsrfRejected()
    return await handler(request)
