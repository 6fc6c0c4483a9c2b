"""`/config users disable|enable|status|list-disabled`: stop one member from earning, with a reason.

A disabled member's activity still counts in their stats (they are still active); only payouts stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loyalteez.services.access import audit
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import texts, validation
from loyalteez.store import ScopedData
from loyalteez.store.repos.rewards import DisabledMember

__all__ = ["DisabledMember", "MemberStatus", "disable_member", "enable_member", "list_disabled", "member_status"]


@dataclass(frozen=True, slots=True)
class MemberStatus:
    member_id: str
    disabled: DisabledMember | None
    messages_count: int = 0
    reactions_count: int = 0
    voice_minutes: int = 0
    ltz_earned: int = 0


def _state(member: DisabledMember | None) -> dict[str, Any] | None:
    """The audit log's before/after of a member's earning."""
    return None if member is None else {"disabled": True, "reason": member.reason, "disabled_by": member.disabled_by}


async def disable_member(data: ScopedData, actor_id: str, member_id: str, reason: str | None = None) -> DisabledMember:
    """Stop a member from earning; disabling again only updates the reason."""
    member_id = validation.snowflake("member", member_id)
    reason = validation.text("reason", reason, validation.REASON_LENGTH)
    async with data.rewards.transaction():
        before = await data.rewards.disabled_member(member_id)
        await data.rewards.disable_member(member_id, reason, actor_id)
        after = await data.rewards.disabled_member(member_id)
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action="rewards.member_disabled",
            target_user_id=member_id,
            details={"reason": reason},
            before=_state(before) or {"disabled": False},
            after=_state(after),
        )
    assert after is not None
    return after


async def enable_member(data: ScopedData, actor_id: str, member_id: str) -> None:
    member_id = validation.snowflake("member", member_id)
    async with data.rewards.transaction():
        before = await data.rewards.disabled_member(member_id)
        if before is None:
            raise ValidationError("member", texts.not_disabled(member_id))
        await data.rewards.enable_member(member_id)
        await audit.record(
            data,
            actor_type="admin",
            actor_id=actor_id,
            action="rewards.member_enabled",
            target_user_id=member_id,
            before=_state(before),
            after={"disabled": False},
        )


async def member_status(data: ScopedData, member_id: str) -> MemberStatus:
    member_id = validation.snowflake("member", member_id)
    disabled = await data.rewards.disabled_member(member_id)
    stats = await data.standings.member_stats_of(member_id)
    return MemberStatus(
        member_id,
        disabled,
        messages_count=stats.messages,
        reactions_count=stats.reactions,
        voice_minutes=stats.voice_minutes,
        ltz_earned=stats.ltz_earned,
    )


async def list_disabled(data: ScopedData) -> list[DisabledMember]:
    return await data.rewards.disabled_members()
