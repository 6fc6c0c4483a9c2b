"""Identity and connection routes: who the bot is, where the gateway is, DM channels."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import payloads, rest_oauth
from .rest import RestError, body_of, emulator_of, json_response, not_found, snowflake_param


def register(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_get(prefix + "/users/@me", get_me)
    router.add_get(prefix + "/users/@me/guilds", get_my_guilds)
    router.add_post(prefix + "/users/@me/channels", create_dm)
    router.add_get(prefix + "/users/{user_id}", get_user)
    router.add_get(prefix + "/applications/@me", get_application)
    router.add_get(prefix + "/oauth2/applications/@me", get_application)
    router.add_get(prefix + "/gateway", get_gateway)
    router.add_get(prefix + "/gateway/bot", get_gateway_bot)
    router.add_get(prefix + "/soundboard-default-sounds", get_default_sounds)


async def get_me(request: web.Request) -> web.Response:
    user_id = rest_oauth.bearer_user(request)  # a web sign-in asks with the user's OAuth token
    if user_id is not None:
        return rest_oauth.user_me(request, user_id)
    world = emulator_of(request).world
    return json_response({**payloads.user(world.bot), "verified": True, "mfa_enabled": False, "email": None})


async def get_user(request: web.Request) -> web.Response:
    world = emulator_of(request).world
    user = world.users.get(snowflake_param(request, "user_id"))
    if user is None:
        raise not_found("User", 10013)
    return json_response(payloads.user(user))


async def get_my_guilds(request: web.Request) -> web.Response:
    user_id = rest_oauth.bearer_user(request)
    if user_id is not None:
        return rest_oauth.user_guilds(request, user_id)
    emu = emulator_of(request)
    guilds = [g for g in emu.world.guilds.values() if g.bot_present]
    bot_id = emu.world.bot.id
    found: list[dict[str, Any]] = [
        {"id": str(g.id), "name": g.name, "icon": None, "owner": False, "features": [],
         "permissions": str(g.base_permissions(g.members[bot_id]))}
        for g in guilds if bot_id in g.members
    ]  # fmt: skip
    return json_response(found)


async def get_application(request: web.Request) -> web.Response:
    world = emulator_of(request).world
    data: dict[str, Any] = {
        "id": str(world.application_id),
        "name": world.bot.username,
        "icon": None,
        "description": "Loyalteez running against the local Discord emulator",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": 0,
        "owner": payloads.user(world.bot),
        "team": None,
        "bot": payloads.user(world.bot),
        "rpc_origins": [],
        "tags": [],
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "approximate_guild_count": sum(1 for g in world.guilds.values() if g.bot_present),
    }
    return json_response(data)


async def get_gateway(request: web.Request) -> web.Response:
    return json_response({"url": emulator_of(request).gateway_url})


async def get_gateway_bot(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    guilds = sum(1 for g in emu.world.guilds.values() if g.bot_present)
    shards = max(1, -(-guilds // 1000))  # Discord recommends one shard per 1,000 guilds
    return json_response({"url": emu.gateway_url, "shards": shards, "session_start_limit": limit})


async def get_default_sounds(request: web.Request) -> web.Response:
    # py-cord fetches these before on_ready; a 404 here means on_ready never fires.
    return json_response([])


async def create_dm(request: web.Request) -> web.Response:
    world = emulator_of(request).world
    body = body_of(request) or {}
    try:
        user_id = int(body["recipient_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RestError(400, "Invalid Form Body", 50035,
                        {"recipient_id": {"_errors": [{"code": "BASE_TYPE_REQUIRED",
                                                       "message": "This field is required"}]}}) from exc  # fmt: skip
    if user_id not in world.users:
        raise not_found("User", 10013)
    channel = world.dm_channel_for(user_id)
    return json_response(payloads.channel(channel, world))
