"""`/config events …`: create, edit, toggle, delete and list a server's reward events.

Every write validates all options first (ValidationError, nothing changed), then changes the rule and
appends an audit row with the rule before and after, in one transaction. Editing an event that exists
only brand-wide creates this server's own copy (a server rule overrides the brand's), so one server's
admin never changes the brand's other servers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NoReturn

from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.errors import UnknownEventError, ValidationError
from loyalteez.services.rewards import texts, triggers, validation
from loyalteez.services.rewards.rules import Rule, resolve, suggest
from loyalteez.store import ScopedData

Row = dict[str, Any]
RULE_COLUMNS = (
    "reward_amount",
    "cooldown_hours",
    "max_claims_per_user",
    "is_enabled",
    "detection_method",
    "channel_constraints",
    "rule_metadata",
)


@dataclass(frozen=True, slots=True)
class EventOptions:
    """Options of `/config events create|edit`; None = not given (keep as is)."""

    reward: int | None = None
    cooldown_hours: int | None = None  # -1 or 0: none
    max_claims_per_user: int | None = None  # -1: unlimited
    max_total_claims: int | None = None  # -1: unlimited
    max_per_day: int | None = None  # -1: unlimited
    channels: Sequence[str] | None = None  # [] = anywhere
    trigger: str | None = None
    # The trigger options (services/rewards/triggers), named as the registry names them.
    keywords: Sequence[str] | None = None
    min_length: int | None = None
    min_reactions: int | None = None
    minutes_per_payout: int | None = None
    description: str | None = None

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


async def list_events(data: ScopedData) -> list[Rule]:
    """The events in force on this server (its own rules over the brand's), by name."""
    return sorted(resolve(await data.rewards.rule_rows()).values(), key=lambda r: r.event_type)


async def get_event(data: ScopedData, name: str) -> Rule:
    rules = resolve(await data.rewards.rule_rows())
    if name not in rules:
        _unknown(name, rules)
    return rules[name]


def _unknown(name: str, known: Mapping[str, Any] | Sequence[str]) -> NoReturn:
    close = suggest(name, known)
    raise UnknownEventError(name, close, texts.unknown_event(name, close))


async def create_event(data: ScopedData, actor_id: str, name: str, options: EventOptions) -> Rule:
    name = validation.event_name(name)
    if options.reward is None:
        raise ValidationError("reward", texts.out_of_range("reward", *validation.REWARD_RANGE, " LTZ"))
    async with data.rewards.transaction():
        if await data.rewards.rule_rows(name):
            raise ValidationError("name", texts.event_exists(name))
        base = {
            "event_type": name,
            "reward_amount": 0,
            "cooldown_hours": 0,
            "max_claims_per_user": None,
            "is_enabled": True,
            "channel_constraints": [],
            "rule_metadata": {"trigger": triggers.DEFAULT_TRIGGER},
        }
        row = {"id": new_id(), "event_type": name, **_changed(base, options, builtin=False)}
        await data.rewards.insert_rule(row)
        after = await _own_row(data, name)
        await _audit(data, actor_id, "rewards.event_created", name, None, after)
    return Rule.from_row(after)


async def edit_event(data: ScopedData, actor_id: str, name: str, options: EventOptions) -> Rule:
    if not options.given():
        raise ValidationError("options", texts.NOTHING_TO_CHANGE)
    return await _change(
        data, actor_id, name, "rewards.event_edited", lambda row, builtin: _changed(row, options, builtin=builtin)
    )


async def set_reward_amount(data: ScopedData, actor_id: str, name: str, amount: int) -> Rule:
    return await edit_event(data, actor_id, name, EventOptions(reward=amount))


async def toggle_event(data: ScopedData, actor_id: str, name: str, enabled: bool | None = None) -> Rule:
    """Turn an event on or off (`enabled` None: flip it)."""
    return await _change(
        data,
        actor_id,
        name,
        "rewards.event_toggled",
        lambda row, _: {"is_enabled": (not _on(row)) if enabled is None else bool(enabled)},
    )


async def delete_event(data: ScopedData, actor_id: str, name: str) -> None:
    async with data.rewards.transaction():
        own, brand = await _rows(data, name)
        current = own or brand
        if current is None:
            _unknown(name, await _names(data))
        rule = Rule.from_row(current)
        if rule.is_builtin:
            raise ValidationError("event", texts.builtin_delete(name))
        if own is None:
            raise ValidationError("event", texts.brand_wide_delete(name))
        await data.rewards.delete_rule(name)
        await _audit(data, actor_id, "rewards.event_deleted", name, own, None)


# -- internals -----------------------------------------------------------------------------------------------


def _on(row: Mapping[str, Any]) -> bool:
    return row.get("is_enabled") is None or bool(row["is_enabled"])


async def _rows(data: ScopedData, name: str) -> tuple[Row | None, Row | None]:
    """(this server's rule, the brand-wide rule) for an event."""
    rows = await data.rewards.rule_rows(name)
    own = next((r for r in rows if r["server_id"] is not None), None)
    brand = next((r for r in rows if r["server_id"] is None), None)
    return own, brand


async def _names(data: ScopedData) -> list[str]:
    return [r["event_type"] for r in await data.rewards.rule_rows()]


async def _own_row(data: ScopedData, name: str) -> Row:
    own, _ = await _rows(data, name)
    assert own is not None
    return own


async def _change(data: ScopedData, actor_id: str, name: str, action: str, change: Any) -> Rule:
    async with data.rewards.transaction():
        own, brand = await _rows(data, name)
        current = own or brand
        if current is None:
            _unknown(name, await _names(data))
        values = change(current, Rule.from_row(current).is_builtin)
        if own is None:  # the brand's rule: this server gets its own copy, changed
            copy = {c: current[c] for c in RULE_COLUMNS}
            await data.rewards.insert_rule({**copy, **values, "id": new_id(), "event_type": name})
        else:
            await data.rewards.update_rule(name, values)
        after = await _own_row(data, name)
        await _audit(data, actor_id, action, name, current, after)
    return Rule.from_row(after)


def _changed(row: Mapping[str, Any], options: EventOptions, *, builtin: bool) -> dict[str, Any]:
    """The rule columns after applying the options, all validated; raises before anything is written."""
    given = options.given()
    values: dict[str, Any] = {}
    metadata = dict(row.get("rule_metadata") or {})
    old_trigger = str(metadata.get("trigger") or triggers.DEFAULT_TRIGGER)
    trigger = old_trigger
    if "trigger" in given:
        trigger = triggers.admin_trigger(given["trigger"])
        if builtin and trigger != old_trigger:
            raise ValidationError("trigger", texts.builtin_trigger(str(row["event_type"])))
        if trigger != old_trigger:
            old = triggers.find(old_trigger)
            for key in old.keys if old is not None else ():
                metadata.pop(key, None)
    trigger_options = triggers.options()
    for option in trigger_options:
        if option.name in given and trigger not in triggers.taking(option):
            raise ValidationError(option.name, texts.option_not_for_trigger(option.name, trigger))
    if "reward" in given:
        values["reward_amount"] = validation.reward(given["reward"])
    if "cooldown_hours" in given:
        values["cooldown_hours"] = validation.cooldown_hours(given["cooldown_hours"])
    if "max_claims_per_user" in given:
        values["max_claims_per_user"] = validation.limit("max_claims_per_user", given["max_claims_per_user"])
    if "channels" in given:
        values["channel_constraints"] = validation.channels(given["channels"])
    _set_meta(metadata, "max_total_claims", given, lambda v: validation.limit("max_total_claims", v))
    _set_meta(metadata, "max_per_day", given, lambda v: validation.limit("max_per_day", v, validation.PER_DAY_RANGE))
    for option in trigger_options:
        _set_meta(metadata, option.key, given, option.check, option=option.name)
        if option.name in given:
            for key in option.former_keys:  # older names of the same setting
                metadata.pop(key, None)
    _set_meta(
        metadata, "description", given, lambda v: validation.text("description", v, validation.DESCRIPTION_LENGTH)
    )
    chosen = triggers.find(trigger)
    for needed in chosen.required if chosen is not None else ():
        if not metadata.get(needed.key):
            raise ValidationError(needed.name, texts.trigger_needs(trigger, needed.name))
    metadata["trigger"] = trigger
    values["rule_metadata"] = metadata
    values["detection_method"] = triggers.detection_method(trigger)
    return {**{c: row[c] for c in RULE_COLUMNS if c in row and c not in values}, **values}


def _set_meta(
    metadata: dict[str, Any], key: str, given: Mapping[str, Any], check: Any, option: str | None = None
) -> None:
    option = option or key
    if option not in given:
        return
    value = check(given[option])
    if value is None:
        metadata.pop(key, None)
    else:
        metadata[key] = value


async def _audit(
    data: ScopedData,
    actor_id: str,
    action: str,
    name: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    await audit.record(
        data, actor_type="admin", actor_id=actor_id, action=action, details={"event": name}, before=before, after=after
    )
