"""Where a member stands: balance, rank, today's earnings, and the leaderboards.

Periods are calendar periods in UTC: `week` since Monday 00:00, `month` since the 1st, `all` ever.
Balances count what was earned minus what was spent on perks; test-mode payouts never rank.

Reconnecting starts fresh: a disconnect clears member stats, and every figure here (balance, today,
each leaderboard period) counts only what happened since the server's current connection, so a period
that began before a reconnect holds what the all-time figures hold. The ledger itself is kept whole (and
so are cooldowns and caps, which read it).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from loyalteez.clock import Clock, start_of_day, utc_day
from loyalteez.services.errors import ValidationError
from loyalteez.services.standings import texts
from loyalteez.store import Scope, ScopedData, Store
from loyalteez.store.repos.ledger_pages import LedgerEntry
from loyalteez.store.repos.standings import BOARD_KINDS, BoardKind

Period = Literal["all", "month", "week"]
PERIODS: tuple[Period, ...] = ("all", "month", "week")
PAGE_SIZE = 10
# A windowed board (week, month) is grouped from the ledger or the rollups on every read; on a big server
# that takes long enough that a board which took over SLOW_BOARD seconds is ranked once and its pages are
# served from memory for KEEP_BOARD seconds. Small servers (and tests, whose clock does not run) stay live.
SLOW_BOARD = 0.05
KEEP_BOARD = 30.0
# An all-time board reads the rank index in order, but a page far down (and a member's rank) walks past
# every member above it: about 10 ms a read at 100,000 members. A board of more than KEEP_RANKED members is
# kept the same way (its ranks and the API's member ranks then lag by up to KEEP_BOARD seconds).
KEEP_RANKED = 5_000
MOST_RANKED = 1_000  # boards remembered as kept before (a few per server and period)
HISTORY_PAGE_SIZE = 20
BOARD_TITLES = {
    "ltz_earned": "LTZ earned",
    "activity": "Activity (messages + reactions)",
    "claims": "Rewards claimed",
    "voice": "Voice minutes",
}


@dataclass(frozen=True)
class Balance:
    earned: int
    spent: int
    today: int
    rank: int | None
    ranked: int

    @property
    def available(self) -> int:
        return self.earned - self.spent


@dataclass(frozen=True)
class BoardRow:
    rank: int
    member_id: str
    value: int


@dataclass(frozen=True)
class Board:
    kind: BoardKind
    period: Period
    page: int
    pages: int
    rows: list[BoardRow]
    caller: BoardRow | None

    @property
    def title(self) -> str:
        suffix = {"all": "all time", "month": "this month", "week": "this week"}[self.period]
        return f"{BOARD_TITLES[self.kind]}, {suffix}"


@dataclass(frozen=True)
class History:
    """One page of a member's reward history, newest first."""

    page: int
    pages: int
    entries: list[LedgerEntry]


def period_start(period: Period, now: datetime) -> datetime | None:
    today = start_of_day(utc_day(now))
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    return None


async def connected_at(data: ScopedData) -> datetime | None:
    """When the server's current connection began: nothing before it counts in member figures."""
    config = await data.server.config()
    return config.connected_at if config is not None else None


def fresh_since(since: datetime | None, connected: datetime | None) -> datetime | None:
    """The later of a period's start and the connection's (None: ever)."""
    if connected is None:
        return since
    return connected if since is None else max(since, connected)


def board_since(period: Period, now: datetime, connected: datetime | None) -> datetime | None:
    """Where a ranking starts: the period's start, unless the server was (re)connected inside the period.

    Then the period holds exactly what was recorded since the connection, which is what the member stats
    hold (cleared at a disconnect, claims included): read them (None).
    """
    start = period_start(period, now)
    if connected is None or (start is not None and connected <= start):
        return start
    return None


def _check(kind: str, period: str) -> tuple[BoardKind, Period]:
    if kind not in BOARD_KINDS:
        raise ValidationError("type", f"type must be one of {', '.join(BOARD_KINDS)}")
    if period not in PERIODS:
        raise ValidationError("period", f"period must be one of {', '.join(PERIODS)}")
    return kind, period


async def balance(data: ScopedData, member_id: str, now: datetime) -> Balance:
    holdings = await data.standings.holdings(member_id)
    standing = await data.standings.board("ltz_earned", None, 0, 0, member_id)
    today = fresh_since(start_of_day(utc_day(now)), await connected_at(data))
    assert today is not None, "a day always has a start"
    return Balance(
        earned=holdings.earned,
        spent=holdings.spent,
        today=await data.standings.earned_since(member_id, today),
        rank=standing.own.position if standing.own else None,
        ranked=standing.ranked,
    )


async def leaderboard(data: ScopedData, kind: str, period: str, page: int, caller_id: str, now: datetime) -> Board:
    """One page of a ranking (1-based; past the end shows the last page) and the caller's own place."""
    board_kind, board_period = _check(kind, period)
    since = board_since(board_period, now, await connected_at(data))
    return await board_page(data, board_kind, board_period, since, page, caller_id)


async def board_page(
    data: ScopedData, board_kind: BoardKind, board_period: Period, since: datetime | None, page: int, caller_id: str
) -> Board:
    """`leaderboard` once the ranking's start is known."""
    page = max(1, page)
    standing = await data.standings.board(board_kind, since, PAGE_SIZE, (page - 1) * PAGE_SIZE, caller_id)
    pages = max(1, -(-standing.ranked // PAGE_SIZE))
    if page > pages:  # past the end: read the last page (rare, so not worth a count first every time)
        page = pages
        standing = await data.standings.board(board_kind, since, PAGE_SIZE, (page - 1) * PAGE_SIZE, caller_id)
    # Ties share a rank, so ranks come from the ranking, not from row positions.
    ranked_rows = [BoardRow(r.position, r.member_id, r.value) for r in standing.rows]
    own = standing.own
    caller = BoardRow(own.position, caller_id, own.value) if own else None
    return Board(board_kind, board_period, page, pages, ranked_rows, caller)


@dataclass(frozen=True)
class Ranking:
    """A whole windowed ranking as ranked at `at` (monotonic seconds): pages and places without SQL."""

    at: float
    members: list[tuple[str, int]]  # (member, value), best first
    positions: list[int]  # ties share a position
    where: dict[str, int]  # member -> index in `members`

    @staticmethod
    def of(members: list[tuple[str, int]], at: float) -> Ranking:
        positions: list[int] = []
        for n, (_, value) in enumerate(members):
            positions.append(positions[-1] if n and value == members[n - 1][1] else n + 1)
        return Ranking(at, members, positions, {member: n for n, (member, _) in enumerate(members)})

    def board(self, kind: BoardKind, period: Period, page: int, caller_id: str) -> Board:
        pages = max(1, -(-len(self.members) // PAGE_SIZE))
        page = min(max(1, page), pages)
        first = (page - 1) * PAGE_SIZE
        rows = [
            BoardRow(self.positions[n], member, value)
            for n, (member, value) in enumerate(self.members[first : first + PAGE_SIZE], first)
        ]
        mine = self.where.get(caller_id) if caller_id else None
        caller = None if mine is None else BoardRow(self.positions[mine], caller_id, self.members[mine][1])
        return Board(kind, period, page, pages, rows, caller)

    def place(self, member_id: str) -> int | None:
        mine = self.where.get(member_id)
        return None if mine is None else self.positions[mine]


class StandingsService:
    """What members ask about where they stand: /balance (in a server or in DMs) and /leaderboard."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._rankings: dict[tuple[Scope, BoardKind, datetime | None], Ranking] = {}
        self._ranking = asyncio.Lock()  # one ranking read at a time: a burst of requests shares it
        # Boards ranked before: once one expires it is ranked again at once, without first reading the page
        # live (on a big server that read, a slow grouping or a far page, was wasted every KEEP_BOARD).
        self._ranked_before: set[tuple[Scope, BoardKind, datetime | None]] = set()

    async def balance(self, scope: Scope, member_id: str) -> Balance:
        return await balance(self.store.scoped(scope), member_id, self.clock.now())

    def _kept(self, scope: Scope, kind: BoardKind, since: datetime | None) -> Ranking | None:
        kept = self._rankings.get((scope, kind, since))
        return kept if kept is not None and self.clock.monotonic() - kept.at < KEEP_BOARD else None

    async def _keep(self, data: ScopedData, kind: BoardKind, since: datetime | None) -> Ranking:
        async with self._ranking:
            kept = self._kept(data.scope, kind, since)
            if kept is not None:
                return kept
            ranking = Ranking.of(await data.standings.ranking(kind, since), self.clock.monotonic())
            self._rankings = {k: r for k, r in self._rankings.items() if ranking.at - r.at < KEEP_BOARD}
            self._rankings[(data.scope, kind, since)] = ranking
            if len(self._ranked_before) >= MOST_RANKED:  # periods move on: forget boards of past ones
                self._ranked_before.clear()
            self._ranked_before.add((data.scope, kind, since))
            return ranking

    async def _kept_or_again(self, data: ScopedData, kind: BoardKind, since: datetime | None) -> Ranking | None:
        """The kept ranking; a board that was kept before and has expired is ranked again now."""
        kept = self._kept(data.scope, kind, since)
        if kept is None and (data.scope, kind, since) in self._ranked_before:
            kept = await self._keep(data, kind, since)
        return kept

    async def leaderboard(self, scope: Scope, kind: str, period: str, page: int, caller_id: str) -> Board:
        """Read on the store's read connection: a busy board page never holds up the rewards writer.

        A quick board stays live; a slow windowed one (SLOW_BOARD) or a big all-time one (KEEP_RANKED) is
        ranked once and its pages served from memory for KEEP_BOARD seconds.
        """
        data = await self.store.reading(scope)
        board_kind, board_period = _check(kind, period)
        since = board_since(board_period, self.clock.now(), await connected_at(data))
        kept = await self._kept_or_again(data, board_kind, since)
        if kept is not None:
            return kept.board(board_kind, board_period, page, caller_id)
        started = self.clock.monotonic()
        board = await board_page(data, board_kind, board_period, since, page, caller_id)
        slow = self.clock.monotonic() - started > SLOW_BOARD
        if (since is not None and slow) or (since is None and board.pages * PAGE_SIZE > KEEP_RANKED):
            await self._keep(data, board_kind, since)
        return board

    async def reading_balance(self, scope: Scope, member_id: str) -> Balance:
        """`balance` on the read connection, the rank from the kept all-time board when there is one."""
        data = await self.store.reading(scope)
        kept = await self._kept_or_again(data, "ltz_earned", None)
        if kept is None:
            return await balance(data, member_id, self.clock.now())
        holdings = await data.standings.holdings(member_id)
        today = fresh_since(start_of_day(utc_day(self.clock.now())), await connected_at(data))
        assert today is not None, "a day always has a start"
        return Balance(
            earned=holdings.earned,
            spent=holdings.spent,
            today=await data.standings.earned_since(member_id, today),
            rank=kept.place(member_id),
            ranked=len(kept.members),
        )

    async def dm_balances(self, member_id: str) -> str:
        """/balance in DMs: the member's balance on every connected server they earned on."""
        lines = []
        for link in await self.store.servers_of_member(member_id):
            data = self.store.scoped(Scope(link["brand_id"], link["server_id"]))
            mine = await balance(data, member_id, self.clock.now())
            lines.append(texts.server_balance(link["server_name"] or link["server_id"], mine.available, mine.earned))
        return "\n".join(lines) if lines else texts.DM_NO_BALANCES

    async def history(self, scope: Scope, member_id: str, page: int) -> History:
        """A member's payouts from the ledger, PAGE_SIZE at a time (past the end shows the last page)."""
        data = self.store.scoped(scope)
        pages = max(1, -(-(await data.ledger.history_size(member_id)) // HISTORY_PAGE_SIZE))
        page = min(max(1, page), pages)
        entries = await data.ledger.history(member_id, HISTORY_PAGE_SIZE, (page - 1) * HISTORY_PAGE_SIZE)
        return History(page, pages, entries)
