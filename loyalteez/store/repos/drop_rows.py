"""What the drops repository returns: drops, their claims and watched channels as typed rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

DROPS, CLAIMS, WATCHES, RULES = "discord_drops", "discord_drop_claims", "loyalteez_drop_watches", "monitoring_rules"
# What reserving a claim slot found: taken, the member's claim already there, or the drop not live with room.
ReserveStatus = Literal["ok", "claimed", "unavailable"]


@dataclass(frozen=True, slots=True)
class Drop:
    drop_id: str
    event_id: str
    drop_type: str
    message_id: str | None
    channel_id: str | None
    emoji: str | None
    expires_at: datetime | None
    max_claims: int | None
    claims_count: int
    created_by: str | None
    created_at: datetime | None
    ended_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Drop:
        max_claims = row.get("max_claims")
        return cls(
            drop_id=str(row["drop_id"]),
            event_id=row["event_id"],
            drop_type=row.get("drop_type") or "button",
            message_id=row.get("message_id"),
            channel_id=row.get("channel_id"),
            emoji=row.get("emoji"),
            expires_at=row.get("expires_at"),
            max_claims=None if max_claims is None else int(max_claims),
            claims_count=int(row.get("claims_count") or 0),
            created_by=row.get("created_by"),
            created_at=row.get("created_at"),
            ended_at=row.get("ended_at"),
        )


@dataclass(frozen=True, slots=True)
class DropClaim:
    drop_id: str
    member_id: str
    claimed_at: datetime | None
    reward_amount: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DropClaim:
        amount = row.get("reward_amount")
        return cls(
            str(row["drop_id"]), row["discord_user_id"], row.get("claimed_at"), None if amount is None else int(amount)
        )


@dataclass(frozen=True, slots=True)
class DropWatch:
    channel_id: str
    event_id: str
    emoji: str
    lifespan_minutes: int | None
    created_by: str | None
    created_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DropWatch:
        minutes = row.get("lifespan_minutes")
        return cls(
            row["channel_id"],
            row["event_id"],
            row["emoji"],
            None if minutes is None else int(minutes),
            row.get("created_by"),
            row.get("created_at"),
        )
