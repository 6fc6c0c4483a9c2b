"""Query-string helpers shared by paged pages."""

from __future__ import annotations

from aiohttp import web

MAX_PAGE = 1_000_000


def page_number(request: web.Request, name: str = "page") -> int:
    """1-based; anything unreadable is page 1 (the services clamp past-the-end to the last page)."""
    raw = request.query.get(name, "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1
