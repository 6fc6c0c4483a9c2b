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
from loyalteez.services.rewards import texts, validation
from loyalteez.services.rewards.rules import Rule, detection_method, resolve, suggest
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
# rule_metadata keys that only mean something for one trigger: dropped when the trigger changes.
TRIGGER_KEYS = {
    "keyword": ("keywords",),
    "min_length": ("min_characters",),
    "quality": ("min_characters", "min_words", "command_prefixes"),
    "reaction_count": ("min_reactions",),
    "voice": ("min_minutes", "minutes_per_payout"),
}
_OPTION_TRIGGERS = {
    "keywords": ("keyword",),
    "min_length": ("min_length", "quality"),
    "min_reactions": ("reaction_count",),
    "minutes_per_payout": ("voice",),
}
_REQUIRED = {
    "keyword": ("keywords", "keywords"),
    "min_length": ("min_characters", "min_length"),
    "reaction_count": ("min_reactions", "min_reactions"),
}


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
            "rule_metadata": {"trigger": "none"},
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
    old_trigger = str(metadata.get("trigger") or "none")
    trigger = old_trigger
    if "trigger" in given:
        trigger = validation.trigger(given["trigger"])
        if builtin and trigger != old_trigger:
            raise ValidationError("trigger", texts.builtin_trigger(str(row["event_type"])))
        if trigger != old_trigger:
            for key in TRIGGER_KEYS.get(old_trigger, ()):
                metadata.pop(key, None)
    for option, triggers in _OPTION_TRIGGERS.items():
        if option in given and trigger not in triggers:
            raise ValidationError(option, texts.option_not_for_trigger(option, trigger))
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
    _set_meta(metadata, "keywords", given, validation.keywords, option="keywords")
    _set_meta(metadata, "min_characters", given, validation.min_length, option="min_length")
    _set_meta(metadata, "min_reactions", given, validation.min_reactions, option="min_reactions")
    _set_meta(metadata, "minutes_per_payout", given, validation.minutes_per_payout)
    if "minutes_per_payout" in given:
        metadata.pop("min_minutes", None)  # the former name of the same setting
    _set_meta(
        metadata, "description", given, lambda v: validation.text("description", v, validation.DESCRIPTION_LENGTH)
    )
    if trigger in _REQUIRED:
        key, option = _REQUIRED[trigger]
        if not metadata.get(key):
            raise ValidationError(option, texts.trigger_needs(trigger, option))
    metadata["trigger"] = trigger
    values["rule_metadata"] = metadata
    values["detection_method"] = detection_method(trigger)
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
