"""Daily activity rollups, written by the rewards engine in the same transaction as the events they count.

The engine calls `ActivityRollups.record` once per server per batch, right after the ledger rows and stats
deltas are written: what the batch counted (messages, reactions, voice minutes and sessions) and what it
paid for real (payouts, LTZ, check-ins = `daily_checkin` payouts) become per-member deltas on the batch's
UTC day, in a fixed number of statements whatever the batch size (a voice stay across midnight gives
each day its own minutes; the session counts once, on the last of those days). A rolled-back batch rolls its
rollups back with it; a redelivered event, which the engine does not count twice, does not move them twice.

Never counted: bots (the engine plans nothing for them) and anything while the server is in test mode
(its payouts are test payouts, and its activity is testers trying things out).

Check-ins are `daily_checkin` payouts (the /daily reward): a check-in that is not paid (the event disabled,
the budget spent) is not in the rollups. Each day row keeps the streak the check-in made: the one /daily
recorded for it (the streak service's check-in, written earlier in the same transaction), else the same rule
computed here (streak_rules) for a daily_checkin paid some other way, or when a test-mode check-in came
since the last real one: a test-mode check-in is absent from every streak KPI, though the member's own
streak counts it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from loyalteez.clock import utc_day
from loyalteez.services.analytics.streak_rules import CHECKIN_EVENT, grace_hours, next_streak
from loyalteez.store import Scope, ScopedData
from loyalteez.store.repos.analytics import CheckinFacts


class RollupSink(Protocol):
    async def record(
        self,
        data: ScopedData,
        now: datetime,
        plans: Sequence[Any],
        flags: Sequence[tuple[bool, bool]],
        ledger: Sequence[Mapping[str, Any]],
        *,
        test_mode: bool,
        moments: Sequence[datetime] | None = None,
        config_metadata: Mapping[str, Any] | None = None,
        ahead: Mapping[str, CheckinFacts] | None = None,
    ) -> None: ...

    async def read_ahead(
        self, data: ScopedData, now: datetime, ledger: Sequence[Mapping[str, Any]], *, test_mode: bool
    ) -> Mapping[str, CheckinFacts] | None: ...

    def forget(self) -> None: ...


# Members remembered per server before the memory is reset (a server's active members fit many times over).
MEMORY_LIMIT = 250_000


class ActivityRollups:
    """The engine's rollup writer. The database is the truth; this process only remembers which members'
    rows need no change (seen today, already rewarded once), so a batch of regulars skips the member table.
    The engine calls `forget` when a batch fails: its transaction rolled back what was remembered."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[date, set[str]]] = {}  # server -> (day, members seen that day)
        self._rewarded: dict[tuple[str, str], set[str]] = {}  # server -> members with a first reward

    def forget(self) -> None:
        self._seen.clear()
        self._rewarded.clear()

    async def record(
        self,
        data: ScopedData,
        now: datetime,
        plans: Sequence[Any],
        flags: Sequence[tuple[bool, bool]],
        ledger: Sequence[Mapping[str, Any]],
        *,
        test_mode: bool,
        moments: Sequence[datetime] | None = None,
        config_metadata: Mapping[str, Any] | None = None,
        ahead: Mapping[str, CheckinFacts] | None = None,
    ) -> None:
        """Roll up one written batch of one server (`plans` with their (counted, earns) flags, ledger rows).

        `moments`: when each plan's event happened. A member first seen (or first paid) in this batch is
        noted at their own earliest event (payout) in it, not at the batch's last moment, so how events
        happen to be grouped into batches never changes a member's "first seen" or "first reward" time.
        `config_metadata`: the server's, as the engine decided with it (else read for check-ins); `ahead`: what
        `read_ahead` returned for this batch (else read here).
        """
        if test_mode:
            return
        day = utc_day(now)
        deltas: dict[str, list[int]] = {}
        earlier: dict[date, dict[str, list[int]]] = {}  # voice minutes counted on days before this batch's
        seen_at: dict[str, datetime] = {}
        paid_at: dict[str, datetime] = {}
        for index, (p, (counted, _)) in enumerate(zip(plans, flags, strict=True)):
            if not counted or p.member_id is None:
                continue
            if moments is not None:
                moment = moments[index]
                if p.member_id not in seen_at or moment < seen_at[p.member_id]:
                    seen_at[p.member_id] = moment
            messages, reactions, minutes = p.deltas
            if not minutes and not p.day_minutes:  # a message or reaction: the batch's day, nothing else
                row = deltas.setdefault(p.member_id, [0] * 7)
                row[0] += messages
                row[1] += reactions
                continue
            # A voice stay across midnight gives each UTC day its own minutes; the session counts once, on
            # the last day it counted minutes on. Everything else is the batch's day.
            parts = p.day_minutes or ((day, minutes),)
            session = minutes > 0 and p.seen_key is not None and p.seen_key.startswith("v:")
            for position, (on, part) in enumerate(parts):
                if on == day:
                    row = deltas.setdefault(p.member_id, [0] * 7)
                else:
                    row = earlier.setdefault(on, {}).setdefault(p.member_id, [0] * 7)
                row[2] += part
                row[3] += int(session and position == len(parts) - 1)
            if messages or reactions or not p.day_minutes:
                row = deltas.setdefault(p.member_id, [0] * 7)
                row[0] += messages
                row[1] += reactions
        checkins: dict[str, datetime] = {}
        for r in ledger:
            if r.get("is_test"):
                continue
            member = r["discord_user_id"]
            row = deltas.setdefault(member, [0] * 7)
            row[5] += 1
            row[6] += int(r["amount"])
            created = r.get("created_at")
            if (
                moments is not None
                and isinstance(created, datetime)
                and (member not in paid_at or created < paid_at[member])
            ):
                paid_at[member] = created
            if r["event_type"] == CHECKIN_EVENT:
                row[4] += 1
                checkins[member] = r.get("created_at") or now
        for on, members in sorted(earlier.items()):
            await data.analytics.record(on, now, members, None, seen_at)
        if not deltas:
            return
        await data.analytics.record(day, now, deltas, self._changing(data.scope, day, deltas), seen_at, paid_at)
        if checkins:
            await self._streaks(data, day, checkins, config_metadata, ahead)

    async def read_ahead(
        self, data: ScopedData, now: datetime, ledger: Sequence[Mapping[str, Any]], *, test_mode: bool
    ) -> Mapping[str, CheckinFacts] | None:
        """The check-in facts `record` needs for these payouts, read before the batch queues its writes: a
        read after them sends them early (with an unlocked batch's guard, whose locks are then held across
        the rest of its round trips), and is one round trip more. None when no check-in is paid."""
        members = sorted(
            {r["discord_user_id"] for r in ledger if not r.get("is_test") and r["event_type"] == CHECKIN_EVENT}
        )
        if test_mode or not members:
            return None
        return await data.analytics.checkin_facts(utc_day(now), members)

    def _changing(self, scope: Scope, day: date, deltas: Mapping[str, Sequence[int]]) -> list[str]:
        """Members whose member row this batch may change: not seen yet today, or paid for the first time.

        Remembered as written at once: if the batch's transaction fails, the engine calls `forget`."""
        key = (scope.brand_id, scope.server_id)
        seen_day, seen = self._seen.get(key, (day, set()))
        if day < seen_day:
            return list(deltas)  # a late batch of an earlier day (a replay): the SQL keeps what is newer
        if day > seen_day:
            seen = set()
        rewarded = self._rewarded.setdefault(key, set())
        changing = [m for m, row in deltas.items() if m not in seen or (row[5] and m not in rewarded)]
        seen.update(changing)
        rewarded.update(m for m in changing if deltas[m][5])
        self._seen[key] = (day, seen)
        if len(seen) + len(rewarded) > MEMORY_LIMIT:
            self.forget()
        return changing

    async def _streaks(
        self,
        data: ScopedData,
        day: date,
        checkins: Mapping[str, datetime],
        metadata: Mapping[str, Any] | None,
        ahead: Mapping[str, CheckinFacts] | None,
    ) -> None:
        """The streak each check-in made: as /daily recorded it, else by the same rule here from the real
        check-ins the rollups hold; by that rule too when a test-mode check-in came after the member's last
        real one, since /daily's streak counts it and the KPIs must not. One read, however many members."""
        members = sorted(checkins)
        facts = ahead if ahead is not None else await data.analytics.checkin_facts(day, members)
        grace = grace_hours(dict(metadata) if metadata is not None else await data.rewards.metadata())
        changes = []
        for member in members:
            at = checkins[member]
            fact = facts.get(member)
            last, streak = (fact.last_checkin_at, fact.checkin_streak) if fact else (None, 0)
            found = fact.recorded if fact else None
            test_since = fact.last_test_at if fact else None
            if test_since is not None and (last is None or test_since > last):
                found = None  # /daily counted a test-mode check-in since the last real one: the KPIs do not
            changes.append((member, at, found or next_streak(last, streak, at, grace)))
        await data.analytics.set_streaks(day, changes)


async def record_join(data: ScopedData, member_id: str, at: datetime) -> None:
    """A member joined the server (GUILD_MEMBER_ADD): the start of their "new member" week."""
    await data.analytics.record_join(member_id, at)
