"""What perks say to perk managers and buyers."""

from __future__ import annotations

ROLE_TOO_HIGH = (
    "I can't grant {role}: it is at or above my highest role. Move my role above it in Server "
    "Settings → Roles, or choose a lower role."
)
ROLE_OTHER_SERVER = "role: choose a role of this server"
ROLE_MANAGED = "{role} is managed by Discord or an integration and can't be given to members."

PERK_SOLD_OUT = "**{name}** is sold out."
PERK_TOO_POOR = "You have **{available:,} LTZ** available; **{name}** costs **{cost:,} LTZ**. Nothing was spent."
PERK_HAS_ROLE = "You already have the role **{name}** gives, so nothing was spent."
PERK_BOUGHT = "You bought **{name}** for {cost:,} LTZ; {available:,} LTZ left."
PERK_ROLE_GIVEN = " You now have {role}."
ROLE_GONE = "the role no longer exists"
PERK_REFUNDED = (
    "You bought **{name}**, but I couldn't give you {role} ({reason}), so your {cost:,} LTZ were "
    "refunded. An admin has to fix the role."
)
NO_PERKS = "Nothing to buy here yet."


def perk_line(
    name: str, cost: int, category: str, quantity: int | None, role_id: str | None, description: str | None
) -> str:
    stock = "unlimited" if quantity is None else (f"{quantity:,} left" if quantity else "sold out")
    role = f" · gives <@&{role_id}>" if role_id else ""
    about = f"\n  {description}" if description else ""
    return f"**{name}** — {cost:,} LTZ · {category} · {stock}{role}{about}"


def perk_saved(verb: str, line: str) -> str:
    return f"{verb} {line}"


def perk_removed(name: str) -> str:
    return f"Removed **{name}**; past purchases are kept."


def role_needs_manage_roles(role: str) -> str:
    return f"I need the Manage Roles permission to give {role}."


def _names(permissions: list[str]) -> str:
    return permissions[0] if len(permissions) == 1 else ", ".join(permissions[:-1]) + " and " + permissions[-1]


def role_has_powers(role: str, permissions: list[str]) -> str:
    return (
        f"{role} can't be sold as a perk: it has {_names(permissions)}, and a perk may only give a role "
        "without admin or moderation permissions."
    )


def role_is_admin_level(role: str, level: str) -> str:
    return f"{role} can't be sold as a perk: /config admin-roles gives it the {level} admin level."


def role_above_seller(role: str) -> str:
    return f"You can't sell {role} as a perk: it is not below your own highest role."


def now_has_powers(permissions: list[str]) -> str:
    return f"now has {_names(permissions)}"


def now_admin_level(level: str) -> str:
    return f"now gives the {level} admin level"


def perk_role_unsafe(name: str, role: str, reason: str) -> str:
    """A purchase refused at the last moment: the role changed after the perk was made (refunded)."""
    return f"Nothing was spent: **{name}** gives {role}, which {reason}, so it can't be bought as a perk any more."


def role_sold_by_perk(role: str, perk: str) -> str:
    return (
        f"{role} is sold by the perk **{perk}**, so it can't have an admin level: take it off the perk first "
        "(/perk edit remove-role)."
    )
