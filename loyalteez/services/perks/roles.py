"""Which Discord roles a perk may sell, decided from plain facts the adapter reads from Discord.

A perk turns LTZ into a role, and LTZ are easy to come by (a perk manager can sell a role for 1 LTZ), so a
role that carries power must never be for sale: otherwise a perk manager buys their way to Manage Server,
or to the role /config admin-roles maps to full_admin. The rule, in three parts:

- the role carries none of DANGEROUS_PERMISSIONS (Administrator implies them all, and is one of them);
- the role is not mapped to any admin level;
- the role sits below the seller's own highest role (the server owner excepted), as Discord itself
  requires of anyone assigning a role.

The first two are facts of the role that change without anyone touching the perk (a role gains Ban Members,
an API session maps it to an admin level), so a purchase checks them again and refunds when they fail. The
third is about who put the role on sale; it is checked when they do (create, or an edit that sets the role).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from loyalteez.services.access.permissions import ADMIN_ROLES_KEY, Caller
from loyalteez.services.perks import texts
from loyalteez.store import ScopedData

# Discord permission bits a role sold as a perk must not carry, by the name Discord's settings show.
DANGEROUS_PERMISSIONS: Final[Mapping[str, int]] = {
    "Administrator": 1 << 3,
    "Manage Server": 1 << 5,
    "Manage Roles": 1 << 28,
    "Manage Channels": 1 << 4,
    "Manage Webhooks": 1 << 29,
    "Manage Messages": 1 << 13,
    "Ban Members": 1 << 2,
    "Kick Members": 1 << 1,
    "Moderate Members": 1 << 40,
    "Mention Everyone": 1 << 17,
    "Manage Events": 1 << 33,
    "Manage Threads": 1 << 34,
    "Manage Nicknames": 1 << 27,
    "Manage Expressions": 1 << 30,
}


@dataclass(frozen=True)
class RoleFacts:
    """A role as Discord describes it right now, plus what the bot can do with it (filled by the adapter)."""

    role_id: str
    mention: str
    permissions: int = 0  # the role's permission bitfield
    position: int = 1  # higher is more powerful; @everyone is 0
    managed: bool = False  # @everyone, or managed by an integration or a bot: nobody can be given it
    of_server: bool = True  # the role belongs to the server the command runs in
    bot_manages_roles: bool = True  # the bot holds Manage Roles
    bot_top_position: int = 1_000  # the position of the bot's highest role


def powers(permissions: int) -> list[str]:
    """The dangerous permissions in a bitfield, by name."""
    return [name for name, bit in DANGEROUS_PERMISSIONS.items() if permissions & bit]


def admin_level(metadata: Mapping[str, Any] | None, role_id: str) -> str | None:
    """The admin level /config admin-roles gives `role_id`, if any."""
    mapping = (metadata or {}).get(ADMIN_ROLES_KEY) or {}
    level = mapping.get(role_id) if isinstance(mapping, Mapping) else None
    return str(level) if level else None


def sale_refusal(role: RoleFacts, metadata: Mapping[str, Any] | None, seller: Caller) -> str | None:
    """Why `seller` may not put `role` on sale as a perk (one sentence), or None when they may."""
    if not role.of_server:
        return texts.ROLE_OTHER_SERVER
    if role.managed:
        return texts.ROLE_MANAGED.format(role=role.mention)
    if not role.bot_manages_roles:
        return texts.role_needs_manage_roles(role.mention)
    if role.position >= role.bot_top_position:
        return texts.ROLE_TOO_HIGH.format(role=role.mention)
    found = powers(role.permissions)
    if found:
        return texts.role_has_powers(role.mention, found)
    level = admin_level(metadata, role.role_id)
    if level is not None:
        return texts.role_is_admin_level(role.mention, level)
    if not seller.is_owner and role.position >= seller.top_role_position:
        return texts.role_above_seller(role.mention)
    return None


def purchase_refusal(role: RoleFacts, metadata: Mapping[str, Any] | None) -> str | None:
    """Why a perk may no longer sell `role`, as the end of the buyer's sentence, or None when it may."""
    found = powers(role.permissions)
    if found:
        return texts.now_has_powers(found)
    level = admin_level(metadata, role.role_id)
    if level is not None:
        return texts.now_admin_level(level)
    return None


async def perk_selling(data: ScopedData, role_id: str) -> str | None:
    """The name of a perk on sale that gives `role_id`: such a role may not get an admin level."""
    return next((p.name for p in await data.perks.on_sale() if p.role_id == role_id), None)
