"""Refusals as pages: 404 for what is not yours (never saying whether it exists), 403 naming the level."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from loyalteez.services.access.permissions import PermissionDenied
from loyalteez.services.errors import ValidationError
from loyalteez.web import texts
from loyalteez.web.templates import render

log = logging.getLogger("loyalteez.web")


class SignInNeeded(web.HTTPUnauthorized):
    """A page for members only, asked for without a session: the answer offers the sign-in button."""


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except PermissionDenied as exc:
        return _page(request, 403, texts.permission_needed(str(exc)))
    except ValidationError as exc:
        return _page(request, 400, exc.message)
    except web.HTTPRedirection:
        raise
    except SignInNeeded:
        return _page(request, 401, texts.SIGN_IN_NEEDED, sign_in=True)
    except web.HTTPNotFound:
        return _page(request, 404, texts.NOT_FOUND)
    except web.HTTPException as exc:
        if exc.status >= 500:
            raise
        return _page(request, exc.status, exc.text if exc.text and not exc.text.startswith(str(exc.status)) else
                     texts.BAD_REQUEST)  # fmt: skip


def _page(request: web.Request, status: int, message: str, *, sign_in: bool = False) -> web.Response:
    return render(request, "error.html", status=status, message=message, sign_in=sign_in, title=str(status))
