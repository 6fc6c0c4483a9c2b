"""Discord's OAuth2 authorization-code flow (scopes `identify guilds`), against Discord or the emulator.

The authorize page lives beside the API (`https://discord.com/oauth2/authorize` for the API base
`https://discord.com/api/v10`), so one setting, LOYALTEEZ_DISCORD_API, points both at the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

SCOPES = "identify guilds"
DISCORD_API = "https://discord.com/api/v10"
TIMEOUT = aiohttp.ClientTimeout(total=10)


class OAuthError(Exception):
    """Discord refused the code or answered something unusable; the visitor signs in again."""


@dataclass(frozen=True)
class DiscordUser:
    user_id: str
    name: str
    guild_ids: tuple[str, ...]


class OAuthClient:
    def __init__(self, api_base: str | None, client_id: str | None, client_secret: str | None) -> None:
        self.api_base = (api_base or DISCORD_API).rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret

    @property
    def site(self) -> str:
        base = self.api_base
        return base[: base.index("/api")] if "/api" in base else base

    def authorize_url(self, state: str, redirect_uri: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id or "",
            "scope": SCOPES,
            "state": state,
            "redirect_uri": redirect_uri,
            "prompt": "none",
        }
        return f"{self.site}/oauth2/authorize?{urlencode(query)}"

    async def sign_in(self, code: str, redirect_uri: str) -> DiscordUser:
        """Trade the code for a token, then ask who this is and which servers they are in."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.client_id or "",
            "client_secret": self.client_secret or "",
        }
        async with aiohttp.ClientSession(timeout=TIMEOUT) as http:
            token = await self._json(http.post(f"{self.api_base}/oauth2/token", data=form))
            access = token.get("access_token")
            if not isinstance(access, str) or not access:
                raise OAuthError("no access token")
            bearer = {"Authorization": f"Bearer {access}"}
            me = await self._json(http.get(f"{self.api_base}/users/@me", headers=bearer))
            guilds = await self._json(http.get(f"{self.api_base}/users/@me/guilds", headers=bearer))
        if not isinstance(me, dict) or not str(me.get("id", "")).isdigit() or not isinstance(guilds, list):
            raise OAuthError("unexpected answer")
        name = me.get("global_name") or me.get("username") or str(me["id"])
        return DiscordUser(str(me["id"]), str(name), tuple(str(g.get("id")) for g in guilds if isinstance(g, dict)))

    @staticmethod
    async def _json(pending: Any) -> Any:
        try:
            async with pending as response:
                if response.status != 200:
                    raise OAuthError(f"Discord answered {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise OAuthError(str(exc)) from exc
