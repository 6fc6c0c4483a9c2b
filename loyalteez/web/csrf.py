"""Every state-changing request carries the session's CSRF token (a hidden form field or a header).

A page on another site can make a browser POST here, but it cannot read the token out of our pages, so
a POST without the right token is refused before any handler runs.
"""

from __future__ import annotations

import hmac

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.web import texts
from loyalteez.web.sessions import session_of

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(web.HTTPForbidden):
    """Rendered by the error middleware as a 403 page naming the fix (reload and try again)."""

    def __init__(self) -> None:
        super().__init__(text=texts.CSRF_REJECTED)


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(HEADER, "")
        if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            value = form.get(FIELD)
            sent = value if isinstance(value, str) else ""
        if not sent or not hmac.compare_digest(sent, session_of(request).csrf):
            raise CsrfRejected()
    return await handler(request)
