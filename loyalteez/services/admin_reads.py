"""What admins read: /stats over a period and the audit trail (/audit, and the dashboard's filtered,
paged audit log with its streamed CSV)."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from loyalteez.clock import start_of_day, utc_day
from loyalteez.services import texts
from loyalteez.services.common.csv_cells import csv_line, safe_cell
from loyalteez.services.errors import ValidationError
from loyalteez.store import ScopedData
from loyalteez.store.repos.audit import AuditFilter

StatsPeriod = Literal["day", "week", "month"]
AUDIT_PAGE = 25
AUDIT_BATCH = 500  # rows read per query when streaming or filtering by event
EVENT_MAX = 32
AUDIT_SCAN = 2000  # newest rows searched when filtering by event, which lives inside the JSON details
REWARD_ACTIONS = ("rewards.manual_reward", "rewards.import")
# /stats groups a period of the ledger: 0.25-1 s of database CPU for 30 days of a 100,000-member server
# (the breakdown by event reads every row). A read that took over SLOW_STATS seconds is kept KEEP_STATS
# seconds: a period of days moves little in five minutes, and nine period/breakdown pages refreshed every
# minute took several percent of a core from the rewards writer. Small servers (and tests, whose clock
# does not run) stay live.
SLOW_STATS = 0.05
KEEP_STATS = 300.0


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
    return safe_cell(value)


# -- the dashboard's audit log: filters, pages, CSV ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """The audit log's filters, checked: member, type (config/rewards), event, days [start, end] (UTC)."""

    member_id: str | None = None
    kind: str | None = None
    event: str | None = None
    start: date | None = None
    end: date | None = None

    def stored(self) -> AuditFilter:
        return AuditFilter(
            target_user_id=self.member_id,
            actions_in=REWARD_ACTIONS if self.kind == "rewards" else None,
            actions_not_in=REWARD_ACTIONS if self.kind == "config" else None,
            since=start_of_day(self.start) if self.start else None,
            until=start_of_day(self.end + timedelta(days=1)) if self.end else None,
            # Stored JSON may escape non-ASCII characters, so only an ASCII name narrows the read.
            mentions=self.event if self.event and self.event.isascii() else None,
        )


def _day(name: str, raw: str | None) -> date | None:
    if not raw or not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(name, texts.bad_day(name)) from None


# The server's members a typed name matches, as (id, name): the dashboard reads them from the bot's guild cache.
MemberLookup = Callable[[str], list[tuple[str, str]]]
MENTION = re.compile(r"<@!?(\d+)>")
NAME_MAX = 100


def member_filter(typed: str | None, lookup: MemberLookup | None) -> str | None:
    """A member as typed: a Discord id, an @mention, or a name matching exactly one member of the server."""
    typed = (typed or "").strip()
    if not typed:
        return None
    mention = MENTION.fullmatch(typed)
    member = mention.group(1) if mention else typed
    if member.isdigit():
        if not 15 <= len(member) <= 21:
            raise ValidationError("member", texts.BAD_MEMBER_ID)
        return member
    if lookup is None or len(typed) > NAME_MAX:
        raise ValidationError("member", texts.BAD_MEMBER_ID)
    found = lookup(typed.removeprefix("@"))
    if not found:
        raise ValidationError("member", texts.no_member_named(typed))
    if len(found) > 1:
        raise ValidationError("member", texts.members_named(typed, sorted(name for _, name in found)))
    return found[0][0]


def audit_query(
    member: str | None,
    kind: str | None,
    event: str | None,
    start: str | None,
    end: str | None,
    lookup: MemberLookup | None = None,
) -> AuditQuery:
    """Filters as typed (blank means any); one sentence naming the first bad one."""
    member = member_filter(member, lookup)
    kind = (kind or "").strip() or None
    if kind not in (None, "config", "rewards"):
        raise ValidationError("type", "type must be config or rewards")
    event = (event or "").strip().lower() or None
    if event is not None and len(event) > EVENT_MAX:
        raise ValidationError("event", texts.event_too_long(EVENT_MAX))
    first, last = _day("from", start), _day("to", end)
    if first and last and first > last:
        raise ValidationError("to", texts.DAYS_REVERSED)
    return AuditQuery(member, kind, event, first, last)


AUDIT_FILTERS = ("member", "type", "event", "from", "to")


def audit_query_of(filters: Mapping[str, str], lookup: MemberLookup | None = None) -> AuditQuery:
    """The dashboard's query string: member (name, @mention or id), type, event, from, to."""
    member, kind, event, start, end = (filters.get(name) for name in AUDIT_FILTERS)
    return audit_query(member, kind, event, start, end, lookup)


@dataclass(frozen=True)
class AuditPage:
    query: AuditQuery
    entries: list[AuditEntry]
    page: int
    pages: int
    total: int


async def _matching(data: ScopedData, query: AuditQuery) -> AsyncIterator[dict[str, Any]]:
    """Every entry the query keeps, newest first, read a batch at a time (the event lives in JSON details,
    so that one filter is applied here)."""
    after: tuple[Any, Any] | None = None
    while True:
        rows = await data.audit.newest_after(query.stored(), after, AUDIT_BATCH)
        for row in rows:
            if query.event is None or _mentions_event(row, query.event):
                yield row
        if len(rows) < AUDIT_BATCH:
            return
        after = (rows[-1]["created_at"], rows[-1]["id"])


async def audit_page(data: ScopedData, query: AuditQuery, number: int) -> AuditPage:
    """One page of the filtered log, newest first; a page past the end shows the last one."""
    if query.event is None:
        total = await data.audit.count(query.stored())
        pages = max(1, math.ceil(total / AUDIT_PAGE))
        number = min(max(1, number), pages)
        rows = await data.audit.newest_page(query.stored(), AUDIT_PAGE, (number - 1) * AUDIT_PAGE)
    else:
        found = [row async for row in _matching(data, query)]
        total = len(found)
        pages = max(1, math.ceil(total / AUDIT_PAGE))
        number = min(max(1, number), pages)
        rows = found[(number - 1) * AUDIT_PAGE : number * AUDIT_PAGE]
    return AuditPage(query, [AuditEntry.from_snapshot(r) for r in rows], number, pages, total)


async def audit_csv_stream(data: ScopedData, query: AuditQuery) -> AsyncIterator[bytes]:
    """The filtered log as CSV, header first, a batch of rows at a time (any size, little memory)."""
    yield csv_line(AUDIT_COLUMNS)
    lines: list[bytes] = []
    async for row in _matching(data, query):
        entry = AuditEntry.from_snapshot(row)
        lines.append(csv_line([getattr(entry, c) for c in AUDIT_COLUMNS]))
        if len(lines) >= AUDIT_BATCH:
            yield b"".join(lines)
            lines = []
    if lines:
        yield b"".join(lines)
