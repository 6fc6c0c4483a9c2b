"""What every manage page (`/s/{id}/manage/...`) shares: the admin navigation (web/nav.py lists each page
with the level of the slash command it stands for) and rendering with the dashboard's texts."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from loyalteez.web import texts
from loyalteez.web.templates import render


def render_manage(
    request: web.Request, name: str, *, nav: str, error: str | None = None, **values: Any
) -> web.Response:
    """A manage page: the refusal sentence (if any) shown plain, and `nav` (its path) marked in the menu."""
    return render(request, name, texts=texts, nav=nav, error=texts.plain(error) if error else None, **values)
