"""The emulator's OAuth2 side: authorize approves as the configured user, codes work once, Bearer tokens
see that user and their servers, and a wrong client secret is refused like on Discord."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp

from loyalteez.emulator.rest_oauth import DEFAULT_SECRET

REDIRECT = "http://127.0.0.1:9/auth/callback"


async def _code(http: aiohttp.ClientSession, emu, state: str = "s1") -> dict[str, list[str]]:
    query = {"response_type": "code", "client_id": str(emu.world.application_id), "scope": "identify guilds",
             "state": state, "redirect_uri": REDIRECT}  # fmt: skip
    async with http.get(emu.base_url + "/oauth2/authorize", params=query, allow_redirects=False) as response:
        assert response.status == 302
        location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


def _form(emu, code: str, secret: str = DEFAULT_SECRET) -> dict[str, str]:
    return {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": str(emu.world.application_id), "client_secret": secret}  # fmt: skip


async def test_authorize_token_and_the_users_views(emu, guild) -> None:
    alice = guild.member("alice")
    other = emu.create_guild("Elsewhere", owner="olga")
    other.add_existing_user(alice.user)
    emu.oauth.sign_in_as(alice)
    async with aiohttp.ClientSession() as http:
        back = await _code(http, emu, state="xyz")
        assert back["state"] == ["xyz"]
        code = back["code"][0]
        async with http.post(emu.api_base_url + "/oauth2/token", data=_form(emu, code)) as response:
            assert response.status == 200
            token = (await response.json())["access_token"]
        async with http.post(emu.api_base_url + "/oauth2/token", data=_form(emu, code)) as response:
            assert response.status == 400  # a code works once
            assert (await response.json())["error"] == "invalid_grant"
        bearer = {"Authorization": f"Bearer {token}"}
        async with http.get(emu.api_base_url + "/users/@me", headers=bearer) as response:
            me = await response.json()
        assert me["id"] == str(alice.id) and me["username"] == "alice"
        async with http.get(emu.api_base_url + "/users/@me/guilds", headers=bearer) as response:
            guilds = await response.json()
        assert sorted(g["name"] for g in guilds) == ["Elsewhere", "Test Server"]
        assert all(g["owner"] is False for g in guilds)
        async with http.get(emu.api_base_url + "/users/@me", headers={"Authorization": "Bearer nope"}) as response:
            assert response.status == 401


async def test_a_wrong_secret_or_no_approving_user_is_refused(emu, guild) -> None:
    async with aiohttp.ClientSession() as http:
        assert (await _code(http, emu))["error"] == ["access_denied"]  # nobody configured to approve
        emu.oauth.sign_in_as(guild.member("alice"))
        code = (await _code(http, emu))["code"][0]
        async with http.post(emu.api_base_url + "/oauth2/token", data=_form(emu, code, "wrong")) as response:
            assert response.status == 401
            assert (await response.json())["error"] == "invalid_client"
