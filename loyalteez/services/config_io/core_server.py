"""Server-wide sections: role bonuses, excluded channels, test mode, disabled members, admin roles and
the admin channel, each applied through the same service functions as its /config command.

Lists are the whole set: entries missing from the file are removed (a bonus removed, a channel included
again, a member enabled again, a role's admin level taken away).
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from loyalteez.services import server_settings
from loyalteez.services.access.permissions import ADMIN_CHANNEL_KEY, ADMIN_ROLES_KEY, ASSIGNABLE, Level
from loyalteez.services.config_io import schema_parts as parts
from loyalteez.services.config_io.errors import ConfigFieldError, field_errors
from loyalteez.services.config_io.registry import Section, register
from loyalteez.services.errors import ValidationError
from loyalteez.services.perks import roles as perk_roles
from loyalteez.services.perks import texts as perk_texts
from loyalteez.services.rewards import admin_members, admin_server, validation
from loyalteez.store import ScopedData


def _by_id(ids: list[str]) -> list[str]:
    return sorted(ids, key=int)


def _duplicate(path: str, field: str, first: int, section: str) -> ConfigFieldError:
    return ConfigFieldError(f"{path}.{field}" if field else path, f"already listed at {section}[{first}].")


# -- role bonuses --------------------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


async def export_role_bonuses(data: ScopedData) -> list[dict[str, Any]]:
    bonuses = await admin_server.list_role_bonuses(data)
    items = [
        {
            "role_id": b.role_id,
            "effect_type": b.effect_type,
            "value": float(b.value) if b.effect_type == "multiplier" else _number(b.value),
            "priority": b.priority,
        }
        for b in bonuses
    ]
    return sorted(items, key=lambda i: (int(i["role_id"]), i["effect_type"]))


async def apply_role_bonuses(data: ScopedData, items: list[dict[str, Any]], actor_id: str) -> None:
    fields = {"role": "role_id", "effect": "effect_type", "value": "value", "priority": "priority"}
    current = {(b.role_id, b.effect_type): b for b in await admin_server.list_role_bonuses(data)}
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        path = f"role_bonuses[{index}]"
        with field_errors(path, fields):
            role_id = validation.snowflake("role", item.get("role_id"))
            value = validation.effect(item.get("effect_type"), item.get("value"))
            priority = validation.priority(item.get("priority", 0))
        key = (role_id, str(item["effect_type"]))
        if key in seen:
            raise _duplicate(path, "effect_type", seen[key], "role_bonuses")
        seen[key] = index
        had = current.get(key)
        if had is None or had.value != value or had.priority != priority:
            with field_errors(path, fields):
                await admin_server.set_role_bonus(data, actor_id, role_id, key[1], value, priority)
    for role_id, effect_type in current:
        if (role_id, effect_type) not in seen:
            await admin_server.remove_role_bonus(data, actor_id, role_id, effect_type)


def role_bonus_schema() -> dict[str, Any]:
    effects = list(validation.EFFECT_RANGES)
    ranges = []
    for effect, (low, high) in validation.EFFECT_RANGES.items():
        whole = effect != "multiplier"
        ranges.append(
            {
                "if": {"properties": {"effect_type": {"const": effect}}, "required": ["effect_type"]},
                "then": {
                    "properties": {
                        "value": {
                            "type": "integer" if whole else "number",
                            "minimum": _number(low),
                            "maximum": _number(high),
                            "x-message": parts.refusal(functools.partial(validation.effect, effect, high + 1)),
                        }
                    }
                },
            }
        )
    return {
        "type": "array",
        "items": parts.obj(
            {
                "role_id": parts.snowflake("role"),
                "effect_type": {"enum": effects, "x-message": parts.refusal(lambda: validation.effect("?", 1))},
                "value": {"type": "number"},
                "priority": parts.integer(*validation.PRIORITY_RANGE, parts.refusal(lambda: validation.priority(-1))),
            },
            required=("role_id", "effect_type", "value"),
            allOf=ranges,
        ),
    }


# -- excluded channels ---------------------------------------------------------------------------------------


async def export_excluded(data: ScopedData) -> list[str]:
    return _by_id(await admin_server.list_excluded_channels(data))


async def apply_excluded(data: ScopedData, channels: list[str], actor_id: str) -> None:
    wanted: dict[str, int] = {}
    for index, channel in enumerate(channels):
        with field_errors(f"excluded_channels[{index}]", {"channel": ""}):
            channel_id = validation.snowflake("channel", channel)
        if channel_id in wanted:
            raise _duplicate(f"excluded_channels[{index}]", "", wanted[channel_id], "excluded_channels")
        wanted[channel_id] = index
    current = await admin_server.list_excluded_channels(data)
    for channel_id in current:
        if channel_id not in wanted:
            await admin_server.include_channel(data, actor_id, channel_id)
    for channel_id, index in wanted.items():
        if channel_id not in current:
            with field_errors(f"excluded_channels[{index}]", {"channel": ""}):
                await admin_server.exclude_channel(data, actor_id, channel_id)


# -- test mode -----------------------------------------------------------------------------------------------


async def export_test_mode(data: ScopedData) -> dict[str, Any]:
    return (await admin_server.get_test_mode(data)).as_json()


async def apply_test_mode(data: ScopedData, value: dict[str, Any], actor_id: str) -> None:
    current = await admin_server.get_test_mode(data)
    if not value["enabled"]:  # turning it off forgets the testers' role, as /config test-mode does
        if current.enabled:
            await admin_server.disable_test_mode(data, actor_id)
        return
    role = value.get("tester_role_id") or None
    if not current.enabled or role != current.tester_role_id:
        with field_errors("test_mode", {"tester_role": "tester_role_id"}):
            await admin_server.enable_test_mode(data, actor_id, role)


# -- disabled members ----------------------------------------------------------------------------------------


async def export_disabled(data: ScopedData) -> list[dict[str, Any]]:
    rows = await admin_members.list_disabled(data)
    return sorted(({"member_id": r.member_id, "reason": r.reason} for r in rows), key=lambda i: int(i["member_id"]))


async def apply_disabled(data: ScopedData, items: list[dict[str, Any]], actor_id: str) -> None:
    current = {r.member_id: r for r in await admin_members.list_disabled(data)}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"disabled_members[{index}]"
        with field_errors(path, {"member": "member_id"}):
            member_id = validation.snowflake("member", item.get("member_id"))
            reason = validation.text("reason", item.get("reason"), validation.REASON_LENGTH)
        if member_id in seen:
            raise _duplicate(path, "member_id", seen[member_id], "disabled_members")
        seen[member_id] = index
        had = current.get(member_id)
        if had is None or had.reason != reason:
            with field_errors(path, {"member": "member_id"}):
                await admin_members.disable_member(data, actor_id, member_id, reason)
    for member_id in current:
        if member_id not in seen:
            await admin_members.enable_member(data, actor_id, member_id)


# -- admin roles and channel (config_metadata, as /config admin-roles and admin-channel set them) ---------------


def _level(text: Any) -> str:
    try:
        return Level.parse(text if isinstance(text, str) else "").label
    except ValueError as exc:
        raise ValidationError("level", str(exc)) from exc


async def export_admin_roles(data: ScopedData) -> list[dict[str, str]]:
    mapping = (await data.rewards.metadata()).get(ADMIN_ROLES_KEY) or {}
    return [{"role_id": role, "level": mapping[role]} for role in _by_id(list(mapping))]


async def apply_admin_roles(data: ScopedData, items: list[dict[str, Any]], actor_id: str) -> None:
    mapping: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"admin_roles[{index}]"
        with field_errors(path, {"role": "role_id"}):
            role_id = validation.snowflake("role", item.get("role_id"))
            mapping[role_id] = _level(item.get("level"))
        if role_id in seen:
            raise _duplicate(path, "role_id", seen[role_id], "admin_roles")
        seen[role_id] = index
        perk = await perk_roles.perk_selling(data, role_id)
        if perk is not None:
            raise ConfigFieldError(f"{path}.role_id", perk_texts.role_sold_by_perk(f"<@&{role_id}>", perk))
    current = (await data.rewards.metadata()).get(ADMIN_ROLES_KEY) or {}
    if mapping != current:
        await server_settings.set_metadata(data, actor_id, "config.admin_roles", {ADMIN_ROLES_KEY: mapping})


async def export_admin_channel(data: ScopedData) -> str | None:
    return (await data.rewards.metadata()).get(ADMIN_CHANNEL_KEY) or None


async def apply_admin_channel(data: ScopedData, value: str | None, actor_id: str) -> None:
    with field_errors("admin_channel", {"channel": ""}):
        channel_id = None if value is None else validation.snowflake("channel", value)
    if channel_id != ((await data.rewards.metadata()).get(ADMIN_CHANNEL_KEY) or None):
        await server_settings.set_metadata(data, actor_id, "config.admin_channel", {ADMIN_CHANNEL_KEY: channel_id})


def _level_message() -> str:
    return parts.refusal(lambda: _level(""))


register(
    Section(
        key="role_bonuses",
        order=20,
        item_key=("role_id", "effect_type"),
        description="Role bonuses: multiplier, flat_bonus or cooldown_reduction per role",
        schema=role_bonus_schema(),
        export=export_role_bonuses,
        apply=apply_role_bonuses,
    )
)
register(
    Section(
        key="excluded_channels",
        order=30,
        description="Channels where nothing earns or counts",
        schema=parts.snowflakes("channel", validation.MAX_EXCLUDED_CHANNELS, "excluded channels"),
        export=export_excluded,
        apply=apply_excluded,
    )
)
register(
    Section(
        key="test_mode",
        order=40,
        description="Test mode: only testers (the role) and admins earn, payouts marked is_test",
        schema=parts.obj(
            {
                "enabled": {"type": "boolean", "x-message": "must be true or false."},
                "tester_role_id": parts.snowflake("tester_role", nullable=True),
            },
            required=("enabled",),
        ),
        export=export_test_mode,
        apply=apply_test_mode,
    )
)
register(
    Section(
        key="disabled_members",
        order=50,
        item_key=("member_id",),
        description="Members an admin stopped from earning, with the reason",
        schema={
            "type": "array",
            "items": parts.obj(
                {
                    "member_id": parts.snowflake("member"),
                    "reason": parts.text("reason", validation.REASON_LENGTH),
                },
                required=("member_id",),
            ),
        },
        export=export_disabled,
        apply=apply_disabled,
    )
)
register(
    Section(
        key="admin_roles",
        order=60,
        item_key=("role_id",),
        description="Roles given an admin level (the owner, Administrators and Manage Server are full admins anyway)",
        schema={
            "type": "array",
            "items": parts.obj(
                {
                    "role_id": parts.snowflake("role"),
                    "level": {"enum": [lv.label for lv in ASSIGNABLE], "x-message": _level_message()},
                },
                required=("role_id", "level"),
            ),
        },
        export=export_admin_roles,
        apply=apply_admin_roles,
    )
)
register(
    Section(
        key="admin_channel",
        order=70,
        description="Where reward notifications and alerts go (null: not set)",
        schema=parts.snowflake("channel", nullable=True),
        export=export_admin_channel,
        apply=apply_admin_channel,
    )
)
