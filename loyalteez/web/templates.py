"""Jinja2 with autoescape always on: every value a member typed (names, goal titles) is HTML-escaped.

`render` adds what every page needs (the session, its CSRF token, the static file helper); templates
extend `base.html` and put a form's token in with `{{ csrf_field() }}`.
"""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from loyalteez.web import texts
from loyalteez.web.context import context_of
from loyalteez.web.csrf import FIELD
from loyalteez.web.nav import ADMIN_NAV
from loyalteez.web.sessions import session_of


class Templates:
    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("loyalteez.web", "templates"),
            autoescape=True,  # every template, whatever its extension
            undefined=jinja2.StrictUndefined,  # a misspelt value fails the test instead of rendering empty
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["number"] = lambda value: f"{int(value):,}"
        self.env.globals["static"] = lambda path: f"/static/{path}"
        self.env.globals["admin_nav"] = ADMIN_NAV
        self.env.globals["texts"] = texts

    def render(self, name: str, values: dict[str, Any]) -> str:
        return self.env.get_template(name).render(values)


def render(request: web.Request, name: str, *, status: int = 200, **values: Any) -> web.Response:
    """A page: the template with the session and a CSRF helper for its forms."""
    ctx = context_of(request)
    session = session_of(request)

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, escape(session.csrf))

    page = ctx.templates.render(
        name,
        {"session": session, "csrf_field": csrf_field, "oauth_ready": ctx.settings.oauth_ready, **values},
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")
