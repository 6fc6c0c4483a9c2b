"""Headers on every answer: no inline or foreign script, no framing, no sniffing, no leaking the address.

The Content-Security-Policy allows scripts, styles and images from this server only (all vendored under
loyalteez/web/static), so even a name that slipped past escaping could not run code.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Sign-in links carry their secret in the path: never send it to another site as a Referer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(HEADERS)
        raise
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(("/s/", "/login", "/auth", "/api/")):
        response.headers.setdefault("Cache-Control", "no-store")  # personal pages stay out of shared caches
    return response
