"""Refusals of the API as JSON (`{"error": {"status", "code", "message"}}`), never the dashboard's HTML pages.

The middleware sits inside the pages' error middleware, so every refusal under /api, the CSRF one and
the router's 404/405 included, reaches an API client in the shape its OpenAPI document promises.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.services.api import texts
from loyalteez.services.errors import ValidationError
from loyalteez.web.api import is_api_path
from loyalteez.web.csrf import CsrfRejected

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         429: "rate_limited"}  # fmt: skip


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, dict(headers or {})


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    body = {"error": {"status": status, "code": CODES.get(status, "error"), "message": message}}
    return web.json_response(body, status=status, headers=headers)


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_api_path(request.path):
        return await handler(request)
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, exc.message, exc.headers)
    except ValidationError as exc:
        return error_response(400, exc.message)
    except CsrfRejected:  # a write without a token: the API has none, and cookies never authenticate it
        return error_response(403, texts.METHOD)
    except web.HTTPMethodNotAllowed as exc:
        return error_response(405, texts.METHOD, {"Allow": ", ".join(sorted(exc.allowed_methods))})
    except web.HTTPNotFound:
        return error_response(404, texts.NOT_FOUND)
    except web.HTTPException as exc:
        if exc.status >= 500 or exc.status < 400:
            raise
        return error_response(exc.status, exc.text or CODES.get(exc.status, "error"))
