"""Guild, member and role routes; role changes obey MANAGE_ROLES and the role hierarchy like Discord."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import payloads
from . import permissions as perms
from .rest import RestError, body_of, emulator_of, json_response, no_content, not_found, snowflake_param
from .state import Guild, Member, Role


def register(router: web.UrlDispatcher, prefix: str) -> None:
    g = prefix + "/guilds/{guild_id}"
    router.add_get(g, get_guild)
    router.add_get(g + "/channels", list_channels)
    router.add_get(g + "/members", list_members)
    router.add_get(g + "/members/search", search_members)
    router.add_get(g + "/members/{user_id}", get_member)
    router.add_patch(g + "/members/{user_id}", edit_member)
    router.add_put(g + "/members/{user_id}/roles/{role_id}", add_member_role)
    router.add_delete(g + "/members/{user_id}/roles/{role_id}", remove_member_role)
    router.add_get(g + "/roles", list_roles)
    router.add_post(g + "/roles", create_role)
    router.add_get(g + "/roles/{role_id}", get_role)
    router.add_patch(g + "/roles/{role_id}", edit_role)
    router.add_delete(g + "/roles/{role_id}", delete_role)
    router.add_delete(prefix + "/users/@me/guilds/{guild_id}", leave_guild)


def guild_of(request: web.Request) -> Guild:
    world = emulator_of(request).world
    guild = world.guilds.get(snowflake_param(request, "guild_id"))
    if guild is None:
        raise not_found("Guild", 10004)
    if not guild.bot_present:
        raise RestError(403, "Missing Access", 50001)
    return guild


def member_of(request: web.Request, guild: Guild) -> Member:
    member = guild.members.get(snowflake_param(request, "user_id"))
    if member is None:
        raise not_found("Member", 10007)
    return member


def role_of(request: web.Request, guild: Guild) -> Role:
    role = guild.roles.get(snowflake_param(request, "role_id"))
    if role is None:
        raise not_found("Role", 10011)
    return role


def _bot(request: web.Request, guild: Guild) -> Member:
    return guild.members[emulator_of(request).world.bot.id]


def require_guild(request: web.Request, guild: Guild, *names: str) -> None:
    if not perms.has(guild.base_permissions(_bot(request, guild)), *names):
        raise RestError(403, "Missing Permissions", 50013)


def require_above(request: web.Request, guild: Guild, role: Role) -> None:
    """The bot may only hand out roles below its own highest role (and never @everyone or managed ones)."""
    bot = _bot(request, guild)
    if role.id == guild.id or role.managed:
        raise RestError(403, "Missing Permissions", 50013)
    if bot.id != guild.owner_id and guild.top_role_position(bot) <= role.position:
        raise RestError(403, "Missing Permissions", 50013)


async def get_guild(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    data = payloads.guild(guild, world=emu.world)
    for key in ("channels", "members", "voice_states", "presences", "threads", "member_count", "large"):
        data.pop(key, None)
    if request.query.get("with_counts") in ("true", "1", "True"):
        data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return json_response(data)


async def list_channels(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    return json_response([payloads.channel(c, emu.world) for c in guild.channels.values()])


async def list_members(request: web.Request) -> web.Response:
    guild = guild_of(request)
    limit = max(1, min(1000, int(request.query.get("limit", 1) or 1)))
    after = int(request.query.get("after", 0) or 0)
    chosen = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)[:limit]
    return json_response([payloads.member(m) for m in chosen])


async def search_members(request: web.Request) -> web.Response:
    guild = guild_of(request)
    query = request.query.get("query", "").lower()
    limit = max(1, min(1000, int(request.query.get("limit", 1) or 1)))
    found = [m for m in guild.members.values()
             if m.user.username.lower().startswith(query) or (m.nick or "").lower().startswith(query)]  # fmt: skip
    return json_response([payloads.member(m) for m in found[:limit]])


async def get_member(request: web.Request) -> web.Response:
    guild = guild_of(request)
    return json_response(payloads.member(member_of(request, guild)))


async def edit_member(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    member = member_of(request, guild)
    body: dict[str, Any] = body_of(request) or {}
    if "roles" in body:
        require_guild(request, guild, "manage_roles")
        wanted = [int(r) for r in body["roles"] or []]
        for role_id in set(wanted) ^ set(member.roles):
            role = guild.roles.get(role_id)
            if role is None:
                raise RestError(400, "Invalid Form Body", 50035, {"roles": {"_errors": [
                    {"code": "ROLE_NOT_FOUND", "message": f"Role {role_id} not found"}]}})  # fmt: skip
            require_above(request, guild, role)
        member.roles = wanted
    if "nick" in body:
        require_guild(request, guild, "manage_nicknames")
        member.nick = body["nick"] or None
    emu.events.update_member(guild, member)
    return json_response(payloads.member(member))


async def add_member_role(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    member, role = member_of(request, guild), role_of(request, guild)
    require_guild(request, guild, "manage_roles")
    require_above(request, guild, role)
    if role.id not in member.roles:
        member.roles.append(role.id)
        emu.events.update_member(guild, member)
    return no_content()


async def remove_member_role(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    member, role = member_of(request, guild), role_of(request, guild)
    require_guild(request, guild, "manage_roles")
    require_above(request, guild, role)
    if role.id in member.roles:
        member.roles.remove(role.id)
        emu.events.update_member(guild, member)
    return no_content()


async def list_roles(request: web.Request) -> web.Response:
    guild = guild_of(request)
    return json_response([payloads.role(r) for r in guild.roles.values()])


async def get_role(request: web.Request) -> web.Response:
    guild = guild_of(request)
    return json_response(payloads.role(role_of(request, guild)))


async def create_role(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    require_guild(request, guild, "manage_roles")
    body: dict[str, Any] = body_of(request) or {}
    role = Role(
        id=emu.world.new_id(),
        guild_id=guild.id,
        name=body.get("name") or "new role",
        permissions=int(body.get("permissions") or 0),
        position=1,
        color=int(body.get("color") or 0),
        hoist=bool(body.get("hoist")),
        mentionable=bool(body.get("mentionable")),
    )
    emu.events.add_role(guild, role)
    return json_response(payloads.role(role))


async def edit_role(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    role = role_of(request, guild)
    require_guild(request, guild, "manage_roles")
    require_above(request, guild, role)
    body: dict[str, Any] = body_of(request) or {}
    for key in ("name", "hoist", "mentionable"):
        if key in body:
            setattr(role, key, body[key])
    if "permissions" in body:
        role.permissions = int(body["permissions"])
    if "color" in body:
        role.color = int(body["color"] or 0)
    emu.events.update_role(guild, role)
    return json_response(payloads.role(role))


async def delete_role(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    role = role_of(request, guild)
    require_guild(request, guild, "manage_roles")
    require_above(request, guild, role)
    emu.events.delete_role(guild, role)
    return no_content()


async def leave_guild(request: web.Request) -> web.Response:
    emu, guild = emulator_of(request), guild_of(request)
    emu.events.bot_leaves(guild)
    return no_content()
