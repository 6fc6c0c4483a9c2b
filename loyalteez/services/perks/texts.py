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
