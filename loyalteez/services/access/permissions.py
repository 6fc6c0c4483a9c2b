"""Admin levels: who may read, add perks, run events, or change everything.

Levels include the ones below them. A server's owner, Administrators and members with Manage Server
are full admins; other members get a level from roles that /config admin-roles maps to a level
(config_metadata key `admin_roles`: {role_id: level name}).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

ADMIN_ROLES_KEY = "admin_roles"
ADMIN_CHANNEL_KEY = "admin_channel_id"


class Level(IntEnum):
    MEMBER = 0
    VIEWER = 1
    PERK_MANAGER = 2
    EVENT_MANAGER = 3
    FULL_ADMIN = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            level = cls[text.strip().upper()]
        except KeyError:
            level = cls.MEMBER
        if level is cls.MEMBER:
            raise ValueError(f"level must be one of {', '.join(lv.label for lv in ASSIGNABLE)}")
        return level


ASSIGNABLE = (Level.VIEWER, Level.PERK_MANAGER, Level.EVENT_MANAGER, Level.FULL_ADMIN)


class PermissionDenied(PermissionError):
    """The caller's level is below what the action needs; the message names the level."""

    def __init__(self, needed: Level) -> None:
        super().__init__(
            f"You need the **{needed.label}** admin level for that. A full admin can grant it with /config admin-roles."
        )
        self.needed = needed


@dataclass(frozen=True)
class Caller:
    """Who is acting, as plain values the adapter fills from Discord."""

    user_id: str
    guild_id: str | None
    role_ids: tuple[str, ...] = ()
    is_owner: bool = False
    is_administrator: bool = False
    can_manage_server: bool = False
    top_role_position: int = 0  # their highest role's place in the role list (@everyone is 0)

    @property
    def is_server_admin(self) -> bool:
        return self.is_owner or self.is_administrator or self.can_manage_server


def level_of(caller: Caller, metadata: dict[str, Any] | None) -> Level:
    if caller.is_server_admin:
        return Level.FULL_ADMIN
    mapping = (metadata or {}).get(ADMIN_ROLES_KEY) or {}
    best = Level.MEMBER
    for role_id in caller.role_ids:
        name = mapping.get(role_id)
        if isinstance(name, str) and name.upper() in Level.__members__:
            best = max(best, Level[name.upper()])
    return best


def require(caller: Caller, metadata: dict[str, Any] | None, needed: Level) -> Level:
    """The caller's level, or PermissionDenied naming the level needed."""
    level = level_of(caller, metadata)
    if level < needed:
        raise PermissionDenied(needed)
    return level
