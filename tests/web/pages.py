"""Helpers for reading pages in plain HTTP tests."""

from __future__ import annotations

import re
from typing import Any

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')


def csrf_from(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def sign_in(client: Any, web: Any, member: Any) -> None:
    """The whole Discord OAuth2 dance over plain HTTP, approved by the emulator as `member`."""
    web.sign_in_as(member)
    async with client.get(web.url + "/login", allow_redirects=False) as response:
        authorize = response.headers["Location"]
    async with client.get(authorize, allow_redirects=False) as response:
        back = response.headers["Location"]
    async with client.get(back, allow_redirects=False) as response:
        assert response.status == 303, await response.text()


async def fetch(client: Any, url: str) -> tuple[int, str]:
    async with client.get(url, allow_redirects=False) as response:
        return response.status, await response.text()
