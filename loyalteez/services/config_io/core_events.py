"""The `events` section: every reward event the server sees, applied through `/config events`.

Export lists the events in force (the server's own rules over the brand's), each marked with `scope`
(server | brand) and `builtin`; both marks are ignored on import. Every field is written, null meaning
unlimited or none, so a backup restores exactly.

Import makes the server's events match the list, through the same admin functions as /config events
(their validation and their rules: a built-in event keeps its trigger; a brand-wide event gets a server
copy when changed):
  * an event in the file that the server lacks is created (then turned off if `is_enabled` is false);
  * an event it has is edited, only in the fields that differ; a field absent from an item is left as
    it is, so a hand-written rules file may give just `{"name": "gm_checkin", "reward_amount": 40}`
    (`reward_amount` null, exported for an event whose amounts are set elsewhere such as
    streak_milestone, is left as it is too);
  * the server's own custom events missing from the file are deleted; built-in and brand-wide events
    missing from it are left as they are (they cannot be deleted from a server).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from loyalteez.services.config_io import schema_parts as parts
from loyalteez.services.config_io.errors import ConfigFieldError, field_errors
from loyalteez.services.config_io.registry import Section, register
from loyalteez.services.rewards import admin_events, triggers, validation
from loyalteez.services.rewards.admin_events import EventOptions
from loyalteez.services.rewards.rules import EVENT_NAME, Rule
from loyalteez.store import ScopedData

# The service's field names -> the file's.
FIELDS = {"name": "name", "event": "name", "options": "name", "reward": "reward_amount", "cooldown": "cooldown_hours"}


def event_json(rule: Rule) -> dict[str, Any]:
    """One event as the file holds it."""
    item: dict[str, Any] = {
        "name": rule.event_type,
        "scope": "brand" if rule.is_brand_wide else "server",
        "builtin": rule.is_builtin,
        "is_enabled": rule.is_enabled,
        "trigger": rule.trigger,
        # 0 on an event whose amounts are set elsewhere (streak_milestone): null, left alone on import
        "reward_amount": rule.reward_amount or None,
        "cooldown_hours": rule.cooldown_hours,
        "max_claims_per_user": rule.max_claims_per_user,
        "max_total_claims": rule.max_total_claims,
        "max_per_day": rule.max_per_day,
        "channels": sorted(rule.channels, key=int),
        "description": rule.metadata.get("description") or None,
    }
    # The trigger's own options, exported only for the triggers taking them.
    for option in triggers.options():
        if rule.trigger in triggers.taking(option):
            item[option.name] = option.export(rule)
    return item


async def export_events(data: ScopedData) -> list[dict[str, Any]]:
    return [event_json(rule) for rule in await admin_events.list_events(data)]


def _limit(field: str, bounds: tuple[int, int] = validation.CLAIMS_RANGE) -> Callable[[Any], Any]:
    return lambda v: validation.limit(field, -1 if v is None else v, bounds)


# file field -> (EventOptions field, normalise with the service's own check, the option's value)
def _same(value: Any) -> Any:
    return value


def _unlimited(value: Any) -> Any:
    return -1 if value is None else value


Option = tuple[str, Callable[[Any], Any], Callable[[Any], Any]]
_OPTIONS: dict[str, Option] = {
    "reward_amount": ("reward", validation.reward, _same),
    "cooldown_hours": ("cooldown_hours", validation.cooldown_hours, _same),
    "max_claims_per_user": ("max_claims_per_user", _limit("max_claims_per_user"), _unlimited),
    "max_total_claims": ("max_total_claims", _limit("max_total_claims"), _unlimited),
    "max_per_day": ("max_per_day", _limit("max_per_day", validation.PER_DAY_RANGE), _unlimited),
    "channels": ("channels", lambda v: sorted(validation.channels(v), key=int), _same),
    "trigger": ("trigger", _same, _same),
    "description": (
        "description",
        lambda v: validation.text("description", v, validation.DESCRIPTION_LENGTH),
        lambda v: "" if v is None else v,
    ),  # "" clears it
}


def _fields() -> dict[str, Option]:
    """Every field an item may set, in the service's order: the trigger options come before description."""
    fields = dict(_OPTIONS)
    description = fields.pop("description")
    for option in triggers.options():
        fields[option.name] = (option.name, option.canonical or _same, _same)
    return {**fields, "description": description}


def _options(item: Mapping[str, Any], current: Mapping[str, Any] | None) -> EventOptions:
    """The /config events options that turn `current` (None: a new event) into `item`."""
    given: dict[str, Any] = {}
    for field, (option, normalise, as_option) in _fields().items():
        if field not in item or (field == "reward_amount" and item[field] is None):
            continue
        value = normalise(item[field])
        if current is None or current.get(field) != value:
            given[option] = as_option(value)
    return EventOptions(**given)


async def apply_events(data: ScopedData, items: list[dict[str, Any]], actor_id: str) -> None:
    current = {rule.event_type: rule for rule in await admin_events.list_events(data)}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"events[{index}]"
        name: Any = item.get("name")  # checked by the service like a typed name
        if name in seen:
            raise ConfigFieldError(f"{path}.name", f"`{name}` is already listed at events[{seen[name]}].")
        seen[name] = index
        with field_errors(path, FIELDS):
            rule = current.get(name)
            options = _options(item, event_json(rule) if rule else None)
            if rule is None:
                await admin_events.create_event(data, actor_id, name, options)
                if item.get("is_enabled") is False:
                    await admin_events.toggle_event(data, actor_id, name, False)
                continue
            if options.given():
                await admin_events.edit_event(data, actor_id, name, options)
            if "is_enabled" in item and bool(item["is_enabled"]) != rule.is_enabled:
                await admin_events.toggle_event(data, actor_id, name, bool(item["is_enabled"]))
    for name, rule in current.items():
        if name not in seen and rule.server_id is not None and not rule.is_builtin:
            await admin_events.delete_event(data, actor_id, name)


def event_schema() -> dict[str, Any]:
    low, high = validation.REWARD_RANGE
    return parts.obj(
        {
            "name": {
                "type": "string",
                "pattern": EVENT_NAME.pattern,
                "x-message": parts.refusal(lambda: validation.event_name("?")),
            },
            "scope": {"enum": ["server", "brand"], "description": "mark: whose rule it was (ignored on import)"},
            "builtin": {"type": "boolean", "description": "mark: a default event (ignored on import)"},
            "is_enabled": {"type": "boolean", "x-message": "must be true or false."},
            "trigger": {
                "enum": sorted(triggers.names()),
                "x-message": parts.refusal(lambda: triggers.admin_trigger("?")),
                "description": f"admins may give {', '.join(triggers.admin_names())}; the others are the defaults'",
            },
            "reward_amount": {
                **parts.integer(low, high, parts.refusal(lambda: validation.reward(0))),
                "type": ["integer", "null"],
                "description": "null: the event's amounts are set elsewhere (left as they are)",
            },
            "cooldown_hours": parts.integer(
                -1, validation.COOLDOWN_RANGE[1], parts.refusal(lambda: validation.cooldown_hours(-2))
            ),
            "max_claims_per_user": parts.limit("max_claims_per_user"),
            "max_total_claims": parts.limit("max_total_claims"),
            "max_per_day": parts.limit("max_per_day", validation.PER_DAY_RANGE),
            "channels": parts.snowflakes("channels", validation.MAX_EVENT_CHANNELS, "channels"),
            **{option.name: dict(option.schema) for option in triggers.options()},
            "description": parts.text("description", validation.DESCRIPTION_LENGTH),
        },
        required=("name",),
    )


SECTION = register(
    Section(
        key="events",
        description="Reward events the server sees; the server's own custom events not listed "
        "are deleted, absent fields are left as they are",
        schema=lambda: {"type": "array", "items": event_schema()},  # built when asked: triggers may be added
        export=export_events,
        apply=apply_events,
        item_key=("name",),
        order=10,
    )
)
