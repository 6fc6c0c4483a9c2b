"""The dashboard's protections over plain HTTP: headers, cookie flags, CSRF, single-use OAuth state."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp

from loyalteez.web import texts
from loyalteez.web.security import CSP
from loyalteez.web.sessions import COOKIE
from tests.web.pages import csrf_from


async def test_healthz_answers_with_the_bot_connected(web, client) -> None:
    async with client.get(web.url + "/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok", "discord": True}


async def test_every_page_sends_a_csp_without_inline_script(web, client) -> None:
    for path in ("/", "/s/1/leaderboard", "/no-such-page"):
        async with client.get(web.url + path) as response:
            policy = response.headers["Content-Security-Policy"]
            assert policy == CSP
            script = next(part for part in policy.split("; ") if part.startswith("script-src"))
            assert script == "script-src 'self'"
            assert "unsafe-inline" not in policy and "http" not in policy
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"


async def test_session_cookie_is_httponly_and_samesite_lax(web, client) -> None:
    async with client.get(web.url + "/") as response:
        cookie = response.cookies[COOKIE]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert not cookie["secure"]  # the public URL is http here; https turns it on (test_settings)


async def test_a_post_without_the_csrf_token_is_refused(web, client) -> None:
    await client.get(web.url + "/")  # a session with a token
    async with client.post(web.url + "/logout", data={}, allow_redirects=False) as response:
        assert response.status == 403
        assert texts.CSRF_REJECTED in await response.text()
    async with client.post(web.url + "/logout", data={"csrf_token": "forged"}, allow_redirects=False) as response:
        assert response.status == 403


async def test_a_post_with_the_pages_token_goes_through(web, client) -> None:
    async with client.get(web.url + "/login/link/1.not-a-real-link-secret-at-all") as response:
        token = csrf_from(await response.text())
    async with client.post(web.url + "/logout", data={"csrf_token": token}, allow_redirects=False) as response:
        assert response.status == 303


async def test_oauth_state_works_once(web, connected, alice, client) -> None:
    web.sign_in_as(alice)
    async with client.get(web.url + "/login", allow_redirects=False) as response:
        authorize = response.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["scope"] == ["identify guilds"]
    async with client.get(authorize, allow_redirects=False) as response:  # the emulator approves at once
        back = response.headers["Location"]
    async with client.get(back, allow_redirects=False) as response:
        assert response.status == 303, await response.text()
    async with client.get(web.url + "/") as response:
        assert "Test Server" in await response.text()
    # The same state (and code) again: refused, and the sign-in page says why.
    async with client.get(back, allow_redirects=False) as response:
        assert response.status == 400
        assert texts.OAUTH_FAILED in await response.text()


async def test_a_state_from_another_browser_is_refused(web, connected, alice, client) -> None:
    """Login CSRF: an attacker's own callback URL planted in a victim's browser does not sign them in."""
    web.sign_in_as(alice)
    async with client.get(web.url + "/login", allow_redirects=False) as response:
        authorize = response.headers["Location"]
    async with client.get(authorize, allow_redirects=False) as response:
        back = response.headers["Location"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as victim:
        async with victim.get(back, allow_redirects=False) as response:
            assert response.status == 400
        async with victim.get(web.url + "/") as response:
            assert "Sign out" not in await response.text()
