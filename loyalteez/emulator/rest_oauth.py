"""OAuth2 for a web sign-in: authorize (auto-approved as the configured test user), token, and the
Bearer-token views of `users/@me` and `users/@me/guilds`.

Real Discord shows a consent page at `/oauth2/authorize`; here it approves at once as `emu.oauth.user_id`
(`emu.oauth.sign_in_as(member)`) and redirects back with `code` and the caller's `state`, so a browser test
runs the whole flow. Codes work once and only with the redirect URI they were issued for, as on Discord.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from . import payloads
from .permissions import ALL_PERMISSIONS
from .rest import RestError, body_of, emulator_of, json_response

DEFAULT_SECRET = "emu-oauth-secret"
TOKEN_LIFETIME = 7 * 24 * 3600


@dataclass
class OAuthState:
    """The emulated application's OAuth side: its secret, who approves, and codes and tokens issued."""

    client_secret: str = DEFAULT_SECRET
    user_id: int | None = None  # who /oauth2/authorize signs in as; None answers access_denied
    codes: dict[str, tuple[int, str]] = field(default_factory=dict)  # code -> (user id, redirect uri)
    tokens: dict[str, int] = field(default_factory=dict)  # access token -> user id
    authorized: list[dict[str, str]] = field(default_factory=list)  # each authorize request's query, for tests

    def sign_in_as(self, member: Any) -> None:
        """A MemberHandle, Member or User: the next authorize approves as them."""
        self.user_id = int(member.id)


def register(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_get("/oauth2/authorize", authorize)
    router.add_post(prefix + "/oauth2/token", token)


def bearer_user(request: web.Request) -> int | None:
    """The user an `Authorization: Bearer` token was issued to; None for bot requests."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user_id = emulator_of(request).oauth.tokens.get(header[len("Bearer ") :])
    if user_id is None:
        raise RestError(401, "401: Unauthorized", 0)
    return user_id


async def authorize(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    query = dict(request.query)
    emu.oauth.authorized.append(query)
    redirect_uri = query.get("redirect_uri", "")
    if query.get("client_id") != str(emu.world.application_id) or not redirect_uri.startswith(("http://", "https://")):
        return web.Response(status=400, text="Invalid OAuth2 client_id or redirect_uri")
    if query.get("response_type") != "code" or not set(query.get("scope", "").split()) >= {"identify"}:
        return web.Response(status=400, text="Invalid OAuth2 response_type or scope")
    back: dict[str, str] = {"state": query["state"]} if "state" in query else {}
    user_id = emu.oauth.user_id
    if user_id is None or user_id not in emu.world.users:
        back["error"] = "access_denied"
    else:
        code = secrets.token_urlsafe(24)
        emu.oauth.codes[code] = (user_id, redirect_uri)
        back["code"] = code
    separator = "&" if "?" in redirect_uri else "?"
    raise web.HTTPFound(redirect_uri + separator + urlencode(back))


async def token(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    form = body_of(request) or {}
    if form.get("client_id") != str(emu.world.application_id) or form.get("client_secret") != emu.oauth.client_secret:
        return json_response({"error": "invalid_client"}, status=401)
    if form.get("grant_type") != "authorization_code":
        return json_response({"error": "unsupported_grant_type"}, status=400)
    issued = emu.oauth.codes.pop(str(form.get("code", "")), None)  # a code works once
    if issued is None or issued[1] != form.get("redirect_uri"):
        return json_response({"error": "invalid_grant", "error_description": 'Invalid "code" in request.'}, 400)
    access = secrets.token_urlsafe(24)
    emu.oauth.tokens[access] = issued[0]
    return json_response(
        {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "refresh_token": secrets.token_urlsafe(24),
            "scope": "identify guilds",
        }
    )


def user_me(request: web.Request, user_id: int) -> web.Response:
    user = emulator_of(request).world.users[user_id]
    return json_response({**payloads.user(user), "mfa_enabled": False, "locale": "en-US", "premium_type": 0})


def user_guilds(request: web.Request, user_id: int) -> web.Response:
    """The servers the user is in, with `owner` and their guild-level `permissions` as Discord sends them."""
    world = emulator_of(request).world
    found: list[dict[str, Any]] = []
    for guild in world.guilds.values():
        member = guild.members.get(user_id)
        if member is None:
            continue
        permissions = ALL_PERMISSIONS if guild.owner_id == user_id else guild.base_permissions(member)
        found.append({"id": str(guild.id), "name": guild.name, "icon": None, "banner": None,
                      "owner": guild.owner_id == user_id, "permissions": str(permissions), "features": []})  # fmt: skip
    return json_response(found)
