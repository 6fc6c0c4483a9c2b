"""`/config users disable|enable|status|list-disabled`: stop one member from earning, with a reason.

A disabled member's activity still counts in their stats (they are still active); only payouts stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalteez.services import audit
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards import messages, validation
from loyalteez.store import ServerStore

DISABLED = "loyalteez_disabled_members"


@dataclass(frozen=True, slots=True)
class DisabledMember:
    member_id: str
    reason: str | None
    disabled_by: str | None
    since: datetime | None


@dataclass(frozen=True, slots=True)
class MemberStatus:
    member_id: str
    disabled: DisabledMember | None
    messages_count: int = 0
    reactions_count: int = 0
    voice_minutes: int = 0
    ltz_earned: int = 0


def _disabled(row: dict[str, Any]) -> DisabledMember:
    return DisabledMember(row["discord_user_id"], row["reason"], row["disabled_by"], row["created_at"])


def _state(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {"disabled": True, "reason": row["reason"], "disabled_by": row["disabled_by"]}


async def disable_member(data: ServerStore, actor_id: str, member_id: str, reason: str | None = None) -> DisabledMember:
    """Stop a member from earning; disabling again only updates the reason."""
    member_id = validation.snowflake("member", member_id)
    reason = validation.text("reason", reason, validation.REASON_LENGTH)
    async with data.rewards.transaction():
        before = await data.get(DISABLED, {"discord_user_id": member_id})
        await data.rewards.disable_member(member_id, reason, actor_id)
        after = await data.get(DISABLED, {"discord_user_id": member_id})
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
    return _disabled(after)


async def enable_member(data: ServerStore, actor_id: str, member_id: str) -> None:
    member_id = validation.snowflake("member", member_id)
    async with data.rewards.transaction():
        before = await data.get(DISABLED, {"discord_user_id": member_id})
        if before is None:
            raise ValidationError("member", messages.not_disabled(member_id))
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


async def member_status(data: ServerStore, member_id: str) -> MemberStatus:
    member_id = validation.snowflake("member", member_id)
    row = await data.get(DISABLED, {"discord_user_id": member_id})
    stats = await data.get("discord_user_stats", {"discord_user_id": member_id}) or {}
    return MemberStatus(
        member_id,
        _disabled(row) if row else None,
        messages_count=int(stats.get("messages_count") or 0),
        reactions_count=int(stats.get("reactions_count") or 0),
        voice_minutes=int(stats.get("voice_minutes") or 0),
        ltz_earned=int(stats.get("ltz_earned") or 0),
    )


async def list_disabled(data: ServerStore) -> list[DisabledMember]:
    return [_disabled(r) for r in await data.select(DISABLED, order_by=("created_at DESC",))]
