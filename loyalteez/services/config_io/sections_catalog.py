"""The `achievements` and `perks` sections: what members unlock and what they buy, applied through the same
service functions as /achievement and /perk (their validation, their audit rows).

Items are named by `name` (matched without regard to case, as the commands do). A field left out of an item
is left as it is on an existing item; a new one gets the command's default or, for a required option, the
command's refusal. Only configuration is exported: never progress, completions, claims or purchases.

Deletion keeps member history:
  * an achievement missing from the file is turned off (`/achievement toggle`), never deleted: members
    earned it and their progress and claims point at it; one turned off and listed again is turned on;
  * a perk missing from the file is retired with `/perk remove`, which keeps the row and every purchase
    (it only stops selling it).

Community goals are live campaigns with progress, not configuration, so they have no section.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from loyalteez.services.achievements import TYPES, Achievement, Achievements
from loyalteez.services.achievements import input as achievement_input
from loyalteez.services.common import input as check
from loyalteez.services.config_io import schema_parts as parts
from loyalteez.services.config_io.errors import ConfigFieldError, field_errors
from loyalteez.services.config_io.registry import Section, register
from loyalteez.services.errors import ValidationError
from loyalteez.services.perks import KEEP, Perk, Perks
from loyalteez.services.perks import input as perk_input
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import ScopedData, Store

# The services' option names -> the file's.
ACHIEVEMENT_FIELDS = {"reward": "reward_amount", "options": "name"}
PERK_FIELDS = {"role": "role_id", "perk": "name", "options": "name"}
ROLE_PATTERN = r"^\d{1,21}$"  # what common.input.snowflake accepts (a file must not pad it with blanks)


def _store(data: ScopedData) -> Store:
    """The store the data was opened from: the services keep one for members' actions (claiming, buying),
    which an import never reaches."""
    return data.owner


def _achievements(data: ScopedData) -> Achievements:
    """The admin half needs only the store's clock (crediting progress); the rewards engine pays claims."""
    store = _store(data)
    return Achievements(store, data.clock, Rewards(store, data.clock))


def _duplicate(section: str, index: int, seen: dict[str, int], name: Any) -> None:
    key = str(name or "").strip().lower()
    if key in seen:
        raise ConfigFieldError(f"{section}[{index}].name", f"`{name}` is already listed at {section}[{seen[key]}].")
    seen[key] = index


def _given(item: Mapping[str, Any], checks: Mapping[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """The item's fields, each normalised by the service's own check (so bad values fail before writes)."""
    return {name: normalise(item[name]) for name, normalise in checks.items() if name in item}


def _changed(wanted: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in wanted.items() if current.get(k) != v}


def _is_active(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError("is_active", "must be true or false.")
    return value


# -- achievements ----------------------------------------------------------------------------------------------


def achievement_json(a: Achievement) -> dict[str, Any]:
    return {
        "name": a.name,
        "type": a.kind,
        "threshold": a.threshold,
        "reward_amount": a.reward,
        "description": a.description,
        "is_active": a.active,
    }


ACHIEVEMENT_CHECKS: dict[str, Callable[[Any], Any]] = {
    "type": lambda v: check.choice("type", v, TYPES),
    "threshold": lambda v: check.integer("threshold", v, achievement_input.THRESHOLD_RANGE),
    # create's wording, so a refusal reads the same for a new achievement and an existing one
    "reward_amount": lambda v: check.integer(
        "reward", v, achievement_input.ACHIEVEMENT_REWARD_RANGE, " LTZ (0: a badge)"
    ),
    "description": lambda v: check.text("description", v, check.DESCRIPTION_MAX),
}


async def export_achievements(data: ScopedData) -> list[dict[str, Any]]:
    found = [achievement_json(a) for a, _ in await _achievements(data).listing_in(data)]
    return sorted(found, key=lambda i: (i["name"].lower(), i["name"]))


async def _apply_achievement(
    service: Achievements, data: ScopedData, actor_id: str, item: Mapping[str, Any], current: Achievement | None
) -> None:
    wanted = _given(item, ACHIEVEMENT_CHECKS)
    active = _is_active(item["is_active"]) if "is_active" in item else None
    if current is None:
        await service.create_in(
            data,
            actor_id,
            name=item["name"],
            description=wanted.get("description"),
            kind=item.get("type", ""),
            threshold=item.get("threshold"),
            reward=item.get("reward_amount"),
        )
        if active is False:
            await service.toggle_in(data, actor_id, item["name"])
        return
    changes = _changed(wanted, achievement_json(current))
    if changes:  # a different type reaches edit too, which refuses it as /achievement edit does
        await service.edit_in(
            data,
            actor_id,
            current.name,
            kind=changes.get("type"),
            description=(changes["description"] or "") if "description" in changes else None,
            threshold=changes.get("threshold"),
            reward=changes.get("reward_amount"),
        )
    if active is not None and active != current.active:
        await service.toggle_in(data, actor_id, current.name)


async def apply_achievements(data: ScopedData, items: list[dict[str, Any]], actor_id: str) -> None:
    service = _achievements(data)
    current = {a.name.lower(): a for a, _ in await service.listing_in(data)}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"achievements[{index}]"
        with field_errors(path, ACHIEVEMENT_FIELDS):
            name = check.text("name", item.get("name"), check.NAME_MAX, required=True) or ""
            _duplicate("achievements", index, seen, name)
            await _apply_achievement(service, data, actor_id, {**item, "name": name}, current.get(name.lower()))
    for key, achievement in current.items():
        if key not in seen and achievement.active:  # turned off, never deleted: members earned it
            await service.toggle_in(data, actor_id, achievement.name)


# -- perks -----------------------------------------------------------------------------------------------------


def perk_json(p: Perk) -> dict[str, Any]:
    return {
        "name": p.name,
        "category": p.category,
        "cost": p.cost,
        "quantity": p.quantity,
        "role_id": p.role_id,
        "description": p.description,
    }


def _quantity(value: Any) -> int | None:
    """Stock left: null (or -1) unlimited, 0 sold out (as exported), else /perk's 1-1,000,000."""
    if value == 0 and isinstance(value, int) and not isinstance(value, bool):
        return 0
    return perk_input.quantity(-1 if value is None else value)


PERK_CHECKS: dict[str, Callable[[Any], Any]] = {
    "category": perk_input.category,
    "cost": lambda v: check.integer("cost", v, perk_input.PERK_COST_RANGE, " LTZ"),
    "quantity": _quantity,
    "role_id": lambda v: check.snowflake("role", v) if v else None,
    "description": lambda v: check.text("description", v, check.DESCRIPTION_MAX),
}


def _stock_option(quantity: int | None) -> int:
    """The /perk quantity option for a stock: -1 unlimited; sold out is set as 1, then that one is taken."""
    return -1 if quantity is None else max(quantity, 1)


async def export_perks(data: ScopedData) -> list[dict[str, Any]]:
    found = [perk_json(p) for p in await Perks(_store(data), data.clock).on_sale_in(data)]
    return sorted(found, key=lambda i: (i["name"].lower(), i["name"]))


async def _apply_perk(
    service: Perks, data: ScopedData, actor_id: str, item: Mapping[str, Any], current: Perk | None
) -> None:
    wanted = _given(item, PERK_CHECKS)
    if current is None:
        perk = await service.create_in(
            data,
            actor_id,
            name=item["name"],
            cost=item.get("cost"),
            category=wanted.get("category"),
            quantity=_stock_option(wanted.get("quantity")),
            role_id=wanted.get("role_id"),
            description=wanted.get("description"),
        )
    else:
        perk = current
        changes = _changed(wanted, perk_json(current))
        if "quantity" in changes and _stock_option(changes["quantity"]) == _stock_option(current.quantity):
            del changes["quantity"]  # sold out from a stock of 1: only the taking below is left
        if changes:
            await service.edit_in(
                data,
                actor_id,
                current.name,
                cost=changes.get("cost"),
                category=changes.get("category"),
                quantity=_stock_option(changes["quantity"]) if "quantity" in changes else None,
                role_id=changes.get("role_id") if "role_id" in changes else KEEP,
                description=(changes["description"] or "") if "description" in changes else None,
            )
    if wanted.get("quantity") == 0 and perk.quantity != 0:
        # /perk cannot set a stock of 0 (only sales reach it): the one unit set above is taken the way a
        # purchase takes it, without a buyer, so a sold-out perk is restored sold out
        await data.perks.take_one(perk.id)


async def apply_perks(data: ScopedData, items: list[dict[str, Any]], actor_id: str) -> None:
    service = Perks(_store(data), data.clock)
    current = {p.name.lower(): p for p in await service.on_sale_in(data)}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        with field_errors(f"perks[{index}]", PERK_FIELDS):
            name = check.text("name", item.get("name"), check.NAME_MAX, required=True) or ""
            _duplicate("perks", index, seen, name)
            await _apply_perk(service, data, actor_id, {**item, "name": name}, current.get(name.lower()))
    for key, perk in current.items():
        if key not in seen:  # retired (/perk remove): the row and its purchases stay
            await service.remove_in(data, actor_id, perk.name)


# -- schema ----------------------------------------------------------------------------------------------------


def _name() -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": check.NAME_MAX,
        "pattern": r"\S",
        "x-message": parts.refusal(lambda: check.text("name", "x" * (check.NAME_MAX + 1), check.NAME_MAX)),
    }


def _text(field: str, limit: int) -> dict[str, Any]:
    return {
        "type": ["string", "null"],
        "maxLength": limit,
        "x-message": parts.refusal(lambda: check.text(field, "x" * (limit + 1), limit)),
    }


def _whole(field: str, bounds: tuple[int, int], extra: str = "") -> dict[str, Any]:
    return parts.integer(*bounds, parts.refusal(lambda: check.integer(field, bounds[0] - 1, bounds, extra)))


def achievement_schema() -> dict[str, Any]:
    return parts.obj(
        {
            "name": _name(),
            "type": {
                "enum": list(TYPES),
                "x-message": parts.refusal(lambda: check.choice("type", "?", TYPES)),
                "description": "what counts towards it; cannot change once the achievement exists",
            },
            "threshold": _whole("threshold", achievement_input.THRESHOLD_RANGE),
            "reward_amount": {
                **_whole("reward", achievement_input.ACHIEVEMENT_REWARD_RANGE, " LTZ (0: a badge)"),
                "description": "LTZ paid when claimed (0: a badge)",
            },
            "description": _text("description", check.DESCRIPTION_MAX),
            "is_active": {"type": "boolean", "x-message": "must be true or false."},
        },
        required=("name",),
    )


def perk_schema() -> dict[str, Any]:
    high = perk_input.PERK_QUANTITY_RANGE[1]
    return parts.obj(
        {
            "name": _name(),
            "category": {**_text("category", perk_input.CATEGORY_MAX), "description": "null: general"},
            "cost": _whole("cost", perk_input.PERK_COST_RANGE, " LTZ"),
            "quantity": {
                "anyOf": [{"type": "null"}, {"const": -1}, {"type": "integer", "minimum": 0, "maximum": high}],
                "x-message": parts.refusal(lambda: perk_input.quantity(-2)),
                "description": "stock left: null or -1 unlimited, 0 sold out",
            },
            "role_id": {
                "type": ["string", "null"],
                "pattern": ROLE_PATTERN,
                "x-message": parts.refusal(lambda: check.snowflake("role", "x")),
                "description": "a role given to buyers (null: none)",
            },
            "description": _text("description", check.DESCRIPTION_MAX),
        },
        required=("name",),
    )


register(
    Section(
        key="achievements",
        order=130,
        item_key=("name",),
        description="Achievements (/achievement); those not listed are turned off, never deleted (members earned them)",
        schema={"type": "array", "items": achievement_schema()},
        export=export_achievements,
        apply=apply_achievements,
    )
)
register(
    Section(
        key="perks",
        order=140,
        item_key=("name",),
        description="Perks on sale (/perk); those not listed are retired (/perk remove), their purchases kept",
        schema={"type": "array", "items": perk_schema()},
        export=export_perks,
        apply=apply_perks,
    )
)
