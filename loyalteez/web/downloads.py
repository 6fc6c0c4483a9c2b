"""Streamed file downloads (CSV): headers set before the first byte, then the service's chunks as they come.

The middlewares add their headers after a handler returns, which is too late for a streamed answer, so
the security headers and no-store are set here, before `prepare`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from loyalteez.web.security import HEADERS
from loyalteez.web.turns import TURNS


async def stream_csv(request: web.Request, filename: str, chunks: AsyncIterator[bytes]) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={
            **HEADERS,
            "Cache-Control": "no-store",
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        }
    )
    await response.prepare(request)
    turns = request.app[TURNS]
    while True:
        async with turns.turn():  # each chunk's read and formatting waits its turn like a page (web/turns.py)
            chunk = await anext(chunks, None)
        if chunk is None:
            break
        await response.write(chunk)
    await response.write_eof()
    return response
