"""Application-command registration, remembered so interactions can carry the registered ids.

Commands are echoed as sent plus the fields Discord adds (string `id`, `application_id`, `version`,
`guild_id`), which keeps py-cord's "is my command up to date" comparison stable across restarts.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from .rest import RestError, body_of, emulator_of, json_response, no_content, not_found, snowflake_param
from .state import Command, World

_NAME = re.compile(r"^[-_\w]{1,32}$")


def register(router: web.UrlDispatcher, prefix: str) -> None:
    for base in ("/applications/{application_id}/commands",
                 "/applications/{application_id}/guilds/{guild_id}/commands"):  # fmt: skip
        router.add_get(prefix + base, list_commands)
        router.add_put(prefix + base, overwrite_commands)
        router.add_post(prefix + base, upsert_command)
        router.add_get(prefix + base + "/{command_id}", get_command)
        router.add_patch(prefix + base + "/{command_id}", edit_command)
        router.add_delete(prefix + base + "/{command_id}", delete_command)


def _scope(request: web.Request) -> tuple[World, int | None]:
    world = emulator_of(request).world
    if snowflake_param(request, "application_id") != world.application_id:
        raise RestError(403, "Missing Access", 50001)
    guild_id = snowflake_param(request, "guild_id") if "guild_id" in request.match_info else None
    if guild_id is not None and (guild_id not in world.guilds or not world.guilds[guild_id].bot_present):
        raise RestError(403, "Missing Access", 50001)
    return world, guild_id


def echo(command: Command) -> dict[str, Any]:
    data = {
        "default_member_permissions": None,
        "type": 1,
        "nsfw": False,
        **command.raw,
        "id": str(command.id),
        "application_id": str(command.application_id),
        "version": str(command.version),
    }
    if command.guild_id is not None:
        data["guild_id"] = str(command.guild_id)
    return data


def _in_scope(world: World, guild_id: int | None) -> list[Command]:
    return [c for c in world.commands.values() if c.guild_id == guild_id]


def _schema_errors(raw: dict[str, Any]) -> dict[str, Any]:
    """Rules Discord enforces that a JSON schema cannot express well; errors keyed like Discord's."""
    errors: dict[str, Any] = {}

    def bad(where: dict[str, Any], code: str, message: str) -> None:
        where.setdefault("_errors", []).append({"code": code, "message": message})

    def check_options(options: list[dict[str, Any]], where: dict[str, Any]) -> None:
        seen_optional = False
        names: set[str] = set()
        for index, option in enumerate(options or []):
            slot: dict[str, Any] = {}
            name = option.get("name", "")
            if not _NAME.match(name) or name != name.lower():
                bad(slot.setdefault("name", {}), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
            if name in names:
                bad(slot.setdefault("name", {}), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    "Option names must be unique")  # fmt: skip
            names.add(name)
            if option.get("type") in (1, 2):
                check_options(option.get("options") or [], slot.setdefault("options", {}))
                if not slot["options"]:
                    slot.pop("options")
            elif option.get("required"):
                if seen_optional:
                    bad(slot, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options")  # fmt: skip
            else:
                seen_optional = True
            if slot:
                where[str(index)] = slot

    if raw.get("type", 1) == 1:
        name = raw.get("name", "")
        if not _NAME.match(name) or name != name.lower():
            bad(errors.setdefault("name", {}), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        options: dict[str, Any] = {}
        check_options(raw.get("options") or [], options)
        if options:
            errors["options"] = options
    return errors


def _store(world: World, guild_id: int | None, raw: dict[str, Any], existing: Command | None) -> Command:
    command = Command(
        id=existing.id if existing else world.new_id(),
        application_id=world.application_id,
        name=raw["name"],
        type=int(raw.get("type", 1)),
        raw=dict(raw),
        guild_id=guild_id,
        version=(existing.version + 1) if existing else 1,
    )
    world.commands[command.id] = command
    return command


def _find(world: World, guild_id: int | None, name: str, type_: int) -> Command | None:
    return next((c for c in _in_scope(world, guild_id) if c.name == name and c.type == type_), None)


async def list_commands(request: web.Request) -> web.Response:
    world, guild_id = _scope(request)
    return json_response([echo(c) for c in _in_scope(world, guild_id)])


async def overwrite_commands(request: web.Request) -> web.Response:
    world, guild_id = _scope(request)
    body = body_of(request) or []
    errors = {str(i): e for i, raw in enumerate(body) if (e := _schema_errors(raw))}
    if errors:
        raise RestError(400, "Invalid Form Body", 50035, errors)
    kept: list[Command] = []
    for raw in body:
        kept.append(_store(world, guild_id, raw, _find(world, guild_id, raw["name"], int(raw.get("type", 1)))))
    keep_ids = {c.id for c in kept}
    for command in _in_scope(world, guild_id):
        if command.id not in keep_ids:
            del world.commands[command.id]
    return json_response([echo(c) for c in kept])


async def upsert_command(request: web.Request) -> web.Response:
    world, guild_id = _scope(request)
    raw = body_of(request) or {}
    if errors := _schema_errors(raw):
        raise RestError(400, "Invalid Form Body", 50035, errors)
    existing = _find(world, guild_id, raw["name"], int(raw.get("type", 1)))
    command = _store(world, guild_id, raw, existing)
    return json_response(echo(command), status=200 if existing else 201)


def _command(request: web.Request) -> tuple[World, Command]:
    world, guild_id = _scope(request)
    command = world.commands.get(snowflake_param(request, "command_id"))
    if command is None or command.guild_id != guild_id:
        raise not_found("application command", 10063)
    return world, command


async def get_command(request: web.Request) -> web.Response:
    return json_response(echo(_command(request)[1]))


async def edit_command(request: web.Request) -> web.Response:
    world, command = _command(request)
    raw = {**command.raw, **(body_of(request) or {})}
    if errors := _schema_errors(raw):
        raise RestError(400, "Invalid Form Body", 50035, errors)
    return json_response(echo(_store(world, command.guild_id, raw, command)))


async def delete_command(request: web.Request) -> web.Response:
    world, command = _command(request)
    del world.commands[command.id]
    return no_content()
