"""Voice time: sessions that survive restarts, minutes counted only when they mean something, /voice claim.

Counting. A member's time counts while they are in a voice channel that is not the server's AFK channel
and not excluded, are not deafened (self-deafened, or deafened by a moderator: they cannot hear anyone),
and at least one other human (not a bot) is in the same channel. Muted members DO count: listening is
taking part, and many members join muted. Moving between channels keeps one session.

Sessions (store/repos/voice.py) are computed from timestamps, never from a running timer: each row
holds the seconds counted up to `accrued_at` and whether the time since then counts. Every voice state
change in a server re-evaluates everyone in it (`sync`, one query plus a write per member whose state
changed), so "someone else joined" starts the first member's counting at that moment. A heartbeat
stamps `last_seen_at` on open sessions every minute (and at shutdown); after a crash, a session whose
member is gone is closed at that moment, and one whose member is still in voice (GUILD_CREATE voice
states) is resumed, without counting the time the bot could not see. A restart therefore neither loses
nor double-counts a minute.

Closing a session adds its seconds to the member's voice progress and credits the whole minutes that
crosses to the member's stats (voice_minutes) through the rewards engine (`VoiceSession`, counted
once per session id), in the same transaction: voice_minutes is always floor(total counted seconds / 60).
Daily figures split a stay at midnight UTC: the minutes a session credits are given per day
(`minutes_by_day`), and a stay still open when the day's snapshot is due is closed at midnight and goes
on as a new session (`carry_over`, called by the analytics scheduler), so each day's rollups are complete.

Paying. `voice_activity` pays its reward per `minutes_per_payout` counted minutes (default 30), counted
across sessions including the one in progress, when the member runs /voice claim; its max_per_day caps the
payouts per UTC day (unclaimed minutes wait for the next day). Each payout's ledger key is
'voice:<brand>:<member>:<minutes already claimed>', so a claim can never pay the same minutes twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from loyalteez.clock import Clock, start_of_day, utc_day
from loyalteez.ids import new_id
from loyalteez.services.rewards.events import Member, Payout, VoiceSession
from loyalteez.services.rewards.outcomes import Outcome, Paid
from loyalteez.services.rewards.service import Rewards
from loyalteez.store import Scope, ScopedData, Store
from loyalteez.store.repos.voice import Session

VOICE_EVENT = "voice_activity"
MAX_PAYOUTS_PER_CLAIM = 100
HEARTBEAT = timedelta(minutes=1)  # how often open sessions are stamped live (services.ticker)


class Reason(StrEnum):
    COUNTING = "counting"
    AFK = "afk"
    EXCLUDED = "excluded"
    DEAFENED = "deafened"
    ALONE = "alone"


@dataclass(frozen=True, slots=True)
class VoicePresence:
    """One member in a voice channel, as the adapter sees it now."""

    member_id: str
    channel_id: str
    deafened: bool = False  # self-deafened or server-deafened
    is_bot: bool = False


def reasons(
    presences: Iterable[VoicePresence], afk_channel_id: str | None, excluded: Callable[[str], bool]
) -> dict[str, Reason]:
    """Whether each human present counts now, and if not, why."""
    people = [p for p in presences if not p.is_bot]
    humans = Counter(p.channel_id for p in people)
    found = {}
    for p in people:
        if afk_channel_id is not None and p.channel_id == afk_channel_id:
            found[p.member_id] = Reason.AFK
        elif excluded(p.channel_id):
            found[p.member_id] = Reason.EXCLUDED
        elif p.deafened:
            found[p.member_id] = Reason.DEAFENED
        elif humans[p.channel_id] < 2:
            found[p.member_id] = Reason.ALONE
        else:
            found[p.member_id] = Reason.COUNTING
    return found


def counted_until(session: Session, until: datetime) -> int:
    """A session's counted seconds if it is settled at `until`."""
    extra = (until - session.accrued_at).total_seconds() if session.counting else 0
    return session.counted_seconds + max(int(extra), 0)


def minutes_by_day(session: Session, end: datetime, minutes: int) -> tuple[tuple[date, int], ...]:
    """The whole minutes a session credits, per UTC day they were counted on, oldest first.

    The time since `accrued_at` is exact; the seconds settled before it are taken as counted right up to
    it (true whenever the member was counting without a pause across midnight, the usual case). What
    rounding leaves over goes to the last day.
    """
    settled = session.accrued_at
    tail = (end - settled).total_seconds() if session.counting else 0
    spans = [
        (settled - timedelta(seconds=session.counted_seconds), settled),
        (settled, settled + timedelta(seconds=max(tail, 0))),
    ]
    seconds: dict[date, float] = {}
    for start, stop in spans:
        while start < stop:
            part_end = min(stop, start_of_day(utc_day(start) + timedelta(days=1)))
            seconds[utc_day(start)] = seconds.get(utc_day(start), 0) + (part_end - start).total_seconds()
            start = part_end
    days = sorted(seconds) or [utc_day(end)]
    split, left = [], minutes
    for day in days[:-1]:
        whole = min(int(seconds[day] // 60), left)
        split.append((day, whole))
        left -= whole
    split.append((days[-1], left))
    return tuple((day, n) for day, n in split if n > 0)


@dataclass(frozen=True, slots=True)
class VoiceProgress:
    in_voice: bool
    reason: Reason | None  # why the current session is or isn't counting (None: not in voice)
    session_minutes: int  # counted minutes of the session in progress
    total_minutes: int  # every counted minute, the session in progress included
    claimed_minutes: int
    minutes_per_payout: int
    amount: int  # the event's base reward per payout
    ready: int  # payouts /voice claim would make now (before the daily cap)
    toward_next: int  # minutes counted toward the next payout
    paid_today: int
    daily_cap: int | None
    enabled: bool


class VoiceService:
    def __init__(self, store: Store, clock: Clock, rewards: Rewards) -> None:
        self.store = store
        self.clock = clock
        self.rewards = rewards
        self._locks: dict[Scope, asyncio.Lock] = {}
        self._live: dict[Scope, set[str]] = {}  # sessions this process has watched live
        self._reasons: dict[Scope, dict[str, Reason]] = {}

    def _lock(self, scope: Scope) -> asyncio.Lock:
        return self._locks.setdefault(scope, asyncio.Lock())

    async def sync(self, scope: Scope, presences: Iterable[VoicePresence], afk_channel_id: str | None) -> None:
        """Bring the server's sessions in line with who is in voice now (open, move, settle, close)."""
        presences = list(presences)
        async with self._lock(scope):
            data = self.store.scoped(scope)
            now = self.clock.now()
            cfg = await self.rewards.engine.cache.get(data)
            why = reasons(presences, afk_channel_id, lambda channel: cfg.is_excluded(channel))
            here = {p.member_id: p for p in presences if not p.is_bot}
            live = self._live.setdefault(scope, set())
            async with self.store.transaction():
                await data.rewards.lock(brand=True)
                sessions = {s.member_id: s for s in await data.voice.open_sessions()}
                closed = []
                for member_id, session in sessions.items():
                    session_id = session.session_id
                    watched = session_id in live
                    if member_id not in here:
                        # Gone. Unwatched (a crash or restart in between): closed when last known live.
                        end = now if watched else min(session.last_seen_at, now)
                        closed.append(await self._close(data, session, end))
                        live.discard(session_id)
                        continue
                    presence, counting = here[member_id], why[member_id] is Reason.COUNTING
                    channel = presence.channel_id if counting else session.channel_id
                    if not watched:  # resumed after a restart: the unwatched gap does not count
                        settled = counted_until(session, min(session.last_seen_at, now))
                    elif counting != session.counting or channel != session.channel_id:
                        settled = counted_until(session, now)
                    else:
                        continue
                    await data.voice.settle(session_id, settled, now, counting, channel)
                    live.add(session_id)
                for member_id, presence in here.items():
                    if member_id in sessions:
                        continue
                    session_id = new_id()
                    await data.voice.start(
                        session_id, member_id, presence.channel_id, now, why[member_id] is Reason.COUNTING
                    )
                    live.add(session_id)
                if closed:
                    # The minutes reach the member's stats in this same transaction, once per session id.
                    await self.rewards.engine.apply([(scope, session) for session in closed])
            self._reasons[scope] = why

    async def _close(self, data: ScopedData, session: Session, end: datetime) -> VoiceSession:
        member_id = session.member_id
        seconds = counted_until(session, end)
        total = await data.voice.add_seconds(member_id, seconds)
        minutes = total // 60 - (total - seconds) // 60  # whole minutes this session carries the total across
        await data.voice.end(session.session_id, seconds, max(end, session.accrued_at), end, minutes)
        split = minutes_by_day(session, end, minutes)
        return VoiceSession(session.session_id, Member(member_id), session.channel_id or "", minutes, day_minutes=split)

    async def carry_over(self, midnight: datetime) -> None:
        """The day's end: each watched session that began before `midnight` is closed there and goes on as a
        new session, so the ended day's minutes reach its rollups before its snapshot is written."""
        for scope, live in list(self._live.items()):
            if not live:
                continue
            async with self._lock(scope):
                data = self.store.scoped(scope)
                async with self.store.transaction():
                    await data.rewards.lock(brand=True)
                    closed = []
                    for session in await data.voice.open_sessions():
                        if session.session_id not in live or session.started_at >= midnight:
                            continue
                        closed.append(await self._close(data, session, midnight))
                        live.discard(session.session_id)
                        going_on = new_id()
                        await data.voice.start(
                            going_on, session.member_id, session.channel_id or "", midnight, session.counting
                        )
                        live.add(going_on)
                    if closed:
                        await self.rewards.engine.apply([(scope, session) for session in closed])

    async def heartbeat(self) -> None:
        """Stamp every session this process watches as live now (a task calls this every minute)."""
        now = self.clock.now()
        for scope, live in list(self._live.items()):
            if not live:
                continue
            link = await self.store.server_link(scope.server_id)
            if not link or not link["is_active"] or link["brand_id"] != scope.brand_id:
                # Disconnected: its sessions are no longer watched, so they end (or resume) where they were.
                self.forget(scope)
                continue
            async with self._lock(scope):
                await self.store.scoped(scope).voice.heartbeat(now)

    async def close(self) -> None:
        """Shutdown: one last heartbeat, so the next start resumes the sessions from this moment."""
        await self.heartbeat()

    def forget(self, scope: Scope) -> None:
        """The server (re)connected: its open sessions are resumed like after a restart."""
        self._live.pop(scope, None)
        self._reasons.pop(scope, None)

    # -- /voice check and /voice claim ---------------------------------------------------------------------

    async def progress(self, scope: Scope, member_id: str) -> VoiceProgress:
        data = self.store.scoped(scope)
        return await self._progress(data, scope, member_id, self.clock.now())

    async def _progress(self, data: ScopedData, scope: Scope, member_id: str, now: datetime) -> VoiceProgress:
        cfg = await self.rewards.engine.cache.get(data)
        rule = cfg.rules.get(VOICE_EVENT)
        session = await data.voice.open_session_of(member_id)
        live_seconds = 0
        if session is not None:
            watched = session.session_id in self._live.get(scope, set())
            live_seconds = counted_until(session, now if watched else min(session.last_seen_at, now))
        progress = await data.voice.progress_of(member_id)
        counted = progress.counted_seconds if progress else 0
        claimed = progress.claimed_minutes if progress else 0
        total = (counted + live_seconds) // 60
        per = rule.minutes_per_payout if rule else 30
        today = await data.standings.claims_since(member_id, start_of_day(utc_day(now)))
        return VoiceProgress(
            in_voice=session is not None,
            reason=self._reasons.get(scope, {}).get(member_id) if session else None,
            session_minutes=live_seconds // 60,
            total_minutes=total,
            claimed_minutes=claimed,
            minutes_per_payout=per,
            amount=rule.reward_amount if rule else 0,
            ready=max(total - claimed, 0) // per,
            toward_next=max(total - claimed, 0) % per,
            paid_today=int(today.get(VOICE_EVENT, 0)),
            daily_cap=rule.max_per_day if rule else None,
            enabled=bool(rule and rule.is_enabled),
        )

    async def claim(self, scope: Scope, member: Member) -> tuple[list[Outcome], VoiceProgress]:
        """Pay every full `minutes_per_payout` counted and not yet paid, until the engine refuses (the daily
        cap, test mode, ...); returns the outcomes (empty: nothing ready) and the progress after."""
        data = self.store.scoped(scope)
        outcomes: list[Outcome] = []
        async with self._lock(scope), self.store.transaction():
            await data.rewards.lock(brand=True)
            now = self.clock.now()
            before = await self._progress(data, scope, member.id, now)
            per = before.minutes_per_payout

            async def claimed(_: object, paid: Paid) -> None:
                # The engine's transaction is this claim's, so this scope's repository writes inside it.
                await data.voice.add_claimed(member.id, per)

            for unit in range(min(before.ready, MAX_PAYOUTS_PER_CLAIM)):
                start = before.claimed_minutes + unit * per
                outcome = await self.rewards.engine.pay(
                    scope,
                    Payout(
                        key=f"voice:{scope.brand_id}:{member.id}:{start}",
                        member=member,
                        event_type=VOICE_EVENT,
                        source="voice",
                        details={"minutes": per, "from_minute": start},
                    ),
                    on_paid=claimed,
                )
                outcomes.append(outcome)
                if not isinstance(outcome, Paid):
                    break
            after = await self._progress(data, scope, member.id, now)
        return outcomes, after


def next_payout_in(progress: VoiceProgress) -> timedelta:
    return timedelta(minutes=progress.minutes_per_payout - progress.toward_next)
