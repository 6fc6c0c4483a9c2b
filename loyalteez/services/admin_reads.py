"""What admins read: /stats over a period and the audit trail (/audit)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from loyalteez.clock import start_of_day, utc_day
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData

StatsPeriod = Literal["day", "week", "month"]
AUDIT_PAGE = 25
AUDIT_SCAN = 2000  # newest rows searched when filtering by event, which lives inside the JSON details
REWARD_ACTIONS = ("rewards.manual_reward", "rewards.import")


@dataclass(frozen=True, slots=True)
class StatsLine:
    """One event's or one member's share of a period's payouts."""

    name: str
    payouts: int
    ltz: int


@dataclass(frozen=True)
class Stats:
    period: str
    since: datetime
    payouts: int
    ltz: int
    members: int
    breakdown: list[StatsLine]


AUDIT_COLUMNS = (
    "created_at",
    "actor_type",
    "actor_id",
    "action",
    "target_user_id",
    "details",
    "before_state",
    "after_state",
    "is_test",
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row as admins read and export it."""

    created_at: datetime | None
    actor_type: str | None
    actor_id: str | None
    action: str
    target_user_id: str | None
    details: Any
    before_state: Any
    after_state: Any
    is_test: bool | None

    @classmethod
    def from_snapshot(cls, row: dict[str, Any]) -> AuditEntry:
        return cls(
            created_at=row.get("created_at"),
            actor_type=row.get("actor_type"),
            actor_id=row.get("actor_id"),
            action=row["action"],
            target_user_id=row.get("target_user_id"),
            details=row.get("details"),
            before_state=row.get("before_state"),
            after_state=row.get("after_state"),
            is_test=row.get("is_test"),
        )


def stats_since(period: str, now: datetime) -> datetime:
    days = {"day": 1, "week": 7, "month": 30}.get(period)
    if days is None:
        raise ValidationError("period", "period must be day, week or month")
    return start_of_day(utc_day(now)) - timedelta(days=days - 1)


async def stats(data: ScopedData, period: str, breakdown: str | None, now: datetime) -> Stats:
    """Payouts in the last day, 7 days or 30 days (counting today), optionally by event or by member."""
    # Reconnecting starts fresh (see standings): nothing before the current connection counts.
    config = await data.server.config()
    since = stats_since(period, now)
    if config is not None and config.connected_at is not None:
        since = max(since, config.connected_at)
    if breakdown not in (None, "events", "users"):
        raise ValidationError("breakdown", "breakdown must be events or users")
    totals = await data.standings.totals(since)
    rows = await data.standings.breakdown(since, breakdown) if breakdown else []
    return Stats(
        period,
        since,
        totals.payouts,
        totals.ltz,
        totals.members,
        [StatsLine(r.name, r.payouts, int(r.ltz or 0)) for r in rows],
    )


async def audit_rows(
    data: ScopedData,
    *,
    member_id: str | None = None,
    kind: str | None = None,
    event: str | None = None,
    limit: int = AUDIT_PAGE,
) -> list[AuditEntry]:
    """Newest first; kind 'rewards' = payouts made by admins, 'config' = everything else."""
    if kind not in (None, "config", "rewards"):
        raise ValidationError("type", "type must be config or rewards")
    scan = AUDIT_SCAN if event else limit
    rows = await data.audit.newest_snapshot(
        target_user_id=member_id,
        actions_in=REWARD_ACTIONS if kind == "rewards" else None,
        actions_not_in=REWARD_ACTIONS if kind == "config" else None,
        limit=scan,
    )
    if event:
        rows = [r for r in rows if _mentions_event(r, event)]
    return [AuditEntry.from_snapshot(r) for r in rows[:limit]]


def _mentions_event(row: dict[str, Any], event: str) -> bool:
    for part in (row.get("details"), row.get("before_state"), row.get("after_state")):
        if isinstance(part, dict) and event in (part.get("event"), part.get("event_type"), part.get("name")):
            return True
    return False


def audit_csv(entries: list[AuditEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(getattr(entry, c)) for c in AUDIT_COLUMNS])
    return out.getvalue().encode()


def _cell(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)
