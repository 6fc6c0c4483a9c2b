"""`/config roles|channels|testmode …`: role bonuses, excluded channels and test mode for one server.

Same contract as the event commands: validate everything first (ValidationError changes nothing), then
write the change and its audit row (before/after state) in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from loyalteez.ids import new_id
from loyalteez.services.access import audit
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts, validation
from loyalteez.services.rewards.config import EXCLUDED_CHANNELS, TEST_MODE, TestMode
from loyalteez.store import ScopedData
from loyalteez.store.repos.rewards import RoleEffect


@dataclass(frozen=True, slots=True)
class RoleBonusView:
    role_id: str
    effect_type: str
    value: Decimal
    priority: int


def _view(effect: RoleEffect) -> RoleBonusView:
    return RoleBonusView(
        effect.role_id, effect.effect_type, Decimal(str(effect.effect_value)), int(effect.priority or 0)
    )


def _state(effect: RoleEffect | None) -> dict[str, Any] | None:
    """The audit log's before/after of one role effect."""
    if effect is None:
        return None
    return {
        "role_id": effect.role_id,
        "effect_type": effect.effect_type,
        "value": float(effect.effect_value),
        "priority": effect.priority,
    }


async def _admin(data: ScopedData, actor_id: str, action: str, before: Any, after: Any, **details: Any) -> None:
    await audit.record(
        data, actor_type="admin", actor_id=actor_id, action=action, details=details or None, before=before, after=after
    )


# -- role bonuses ---------------------------------------------------------------------------------------------


async def set_role_bonus(
    data: ScopedData, actor_id: str, role_id: str, effect_type: str, value: Any, priority: int = 0
) -> RoleBonusView:
    """Give a role a multiplier (1.0–5.0), flat bonus (0–1000) or cooldown reduction (0–90 %)."""
    role_id = validation.snowflake("role", role_id)
    amount = validation.effect(effect_type, value)
    rank = validation.priority(priority)
    async with data.rewards.transaction():
        before = await data.rewards.role_effect(role_id, effect_type)
        await data.rewards.set_role_effect(
            {
                "id": new_id(),
                "discord_role_id": role_id,
                "effect_type": effect_type,
                "effect_value": amount,
                "priority": rank,
            }
        )
        after = await data.rewards.role_effect(role_id, effect_type)
        await _admin(data, actor_id, "rewards.role_bonus_set", _state(before), _state(after))
    assert after is not None
    return _view(after)


async def remove_role_bonus(data: ScopedData, actor_id: str, role_id: str, effect_type: str | None = None) -> int:
    """Remove one effect of a role, or all of them (`effect_type` None); returns how many."""
    role_id = validation.snowflake("role", role_id)
    if effect_type is not None and effect_type not in validation.EFFECT_RANGES:
        raise ValidationError("effect", texts.one_of("effect", tuple(validation.EFFECT_RANGES)))
    async with data.rewards.transaction():
        before = await data.rewards.role_effects(role_id, effect_type)
        if not before:
            raise ValidationError("role", texts.no_role_bonus(role_id, effect_type))
        removed = await data.rewards.remove_role_effects(role_id, effect_type)
        await _admin(data, actor_id, "rewards.role_bonus_removed", {"bonuses": [_state(r) for r in before]}, None)
    return removed


async def list_role_bonuses(data: ScopedData) -> list[RoleBonusView]:
    """Highest priority first, which is the order bonuses win in."""
    effects = await data.rewards.role_effects()
    return sorted((_view(e) for e in effects), key=lambda v: (v.effect_type, -v.priority, -v.value, v.role_id))


# -- excluded channels ----------------------------------------------------------------------------------------


async def list_excluded_channels(data: ScopedData) -> list[str]:
    excluded = (await data.rewards.metadata()).get(EXCLUDED_CHANNELS) or []
    return [str(c) for c in excluded] if isinstance(excluded, list) else []


async def exclude_channel(data: ScopedData, actor_id: str, channel_id: str) -> list[str]:
    """Nothing in this channel (or its threads) earns or counts; returns the excluded list."""
    channel_id = validation.snowflake("channel", channel_id)
    async with data.rewards.transaction():
        before = await list_excluded_channels(data)
        if channel_id in before:
            return before
        if len(before) >= validation.MAX_EXCLUDED_CHANNELS:
            raise ValidationError("channel", texts.too_many("excluded channels", validation.MAX_EXCLUDED_CHANNELS))
        after = [*before, channel_id]
        await data.rewards.set_metadata({EXCLUDED_CHANNELS: after})
        await _admin(
            data,
            actor_id,
            "rewards.channel_excluded",
            {EXCLUDED_CHANNELS: before},
            {EXCLUDED_CHANNELS: after},
            channel_id=channel_id,
        )
    return after


async def include_channel(data: ScopedData, actor_id: str, channel_id: str) -> list[str]:
    channel_id = validation.snowflake("channel", channel_id)
    async with data.rewards.transaction():
        before = await list_excluded_channels(data)
        if channel_id not in before:
            raise ValidationError("channel", texts.channel_not_excluded(channel_id))
        after = [c for c in before if c != channel_id]
        await data.rewards.set_metadata({EXCLUDED_CHANNELS: after})
        await _admin(
            data,
            actor_id,
            "rewards.channel_included",
            {EXCLUDED_CHANNELS: before},
            {EXCLUDED_CHANNELS: after},
            channel_id=channel_id,
        )
    return after


# -- test mode ------------------------------------------------------------------------------------------------


async def get_test_mode(data: ScopedData) -> TestMode:
    return TestMode.from_metadata(await data.rewards.metadata())


async def enable_test_mode(data: ScopedData, actor_id: str, tester_role_id: str | None = None) -> TestMode:
    """Only testers (the role, or members the adapter flags) and admins earn; payouts are marked is_test."""
    role = validation.snowflake("tester_role", tester_role_id) if tester_role_id is not None else None
    return await _set_test_mode(data, actor_id, TestMode(True, role))


async def disable_test_mode(data: ScopedData, actor_id: str) -> TestMode:
    return await _set_test_mode(data, actor_id, TestMode(False, None))


async def _set_test_mode(data: ScopedData, actor_id: str, mode: TestMode) -> TestMode:
    async with data.rewards.transaction():
        before = await get_test_mode(data)
        await data.rewards.set_metadata({TEST_MODE: mode.as_json()})
        await _admin(
            data,
            actor_id,
            "rewards.test_mode_enabled" if mode.enabled else "rewards.test_mode_disabled",
            before.as_json(),
            mode.as_json(),
        )
    return mode
