"""The JSON API's service: who a bearer token is, whether it may ask again now, and the reads it makes.

Reads go through `store.reading`: another bot polling the API never holds up the rewards writer.

Every read names its server; `scope_of` answers only servers of the token's brand that are connected,
so another brand's server and an unknown one look the same (None: the adapter answers 404).
"""

from __future__ import annotations

from loyalteez.clock import Clock
from loyalteez.services.api import reads, tokens
from loyalteez.services.api.limits import DEFAULT_PER_MINUTE, RateLimiter
from loyalteez.services.rewards.rules import Rule
from loyalteez.services.standings import Board, StandingsService
from loyalteez.services.streaks import StreakService
from loyalteez.store import Scope, Store


class ApiService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        streaks: StreakService,
        standings: StandingsService,
        per_minute: int = DEFAULT_PER_MINUTE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.streaks = streaks
        self.standings = standings  # its boards: the same pages (and kept rankings) as /leaderboard
        self.limits = RateLimiter(clock, per_minute)

    async def authenticate(self, token: str) -> tokens.ApiClient | None:
        return await tokens.authenticate(self.store, token)

    def admit(self, client: tokens.ApiClient) -> int | None:
        """None: go ahead; else the seconds the client must wait (the answer's Retry-After)."""
        return self.limits.admit(client.token_id)

    async def scope_of(self, client: tokens.ApiClient, server_id: str) -> Scope | None:
        if not server_id.isdigit():
            return None
        link = await self.store.server_link(server_id)
        if link is None or not link["is_active"] or link["brand_id"] != client.brand_id:
            return None
        return Scope(client.brand_id, server_id)

    async def servers(self, client: tokens.ApiClient) -> list[reads.ServerSummary]:
        found = []
        for row in await self.store.active_servers():
            if row["brand_id"] == client.brand_id:
                data = await self.store.reading(Scope(client.brand_id, str(row["server_id"])))
                found.append(await reads.summary(data, str(row["server_name"] or row["server_id"])))
        return found

    async def server(self, scope: Scope) -> reads.ServerSummary:
        link = await self.store.server_link(scope.server_id)
        name = str(link["server_name"] or scope.server_id) if link else scope.server_id
        return await reads.summary(await self.store.reading(scope), name)

    async def leaderboard(self, scope: Scope, kind: str, period: str, page: int) -> Board:
        return await self.standings.leaderboard(scope, kind, period, page, "")

    async def member(self, scope: Scope, member_id: str) -> reads.MemberFigures:
        member_id = reads.check_member(member_id)
        streak = await self.streaks.status(scope, member_id)
        balance = await self.standings.reading_balance(scope, member_id)
        return await reads.member(await self.store.reading(scope), member_id, balance, streak)

    async def kpi_history(
        self, scope: Scope, days: str | None, metric: str | None
    ) -> tuple[int, list[reads.KpiSeries]]:
        """(the window's length in days, each KPI's series); days 7, 30 (default) or 90, metric optional."""
        window, wanted = reads.check_days(days), reads.check_metric(metric)
        return window, await reads.kpi_history(await self.store.reading(scope), window, wanted, self.clock.now())

    async def events(self, scope: Scope) -> list[Rule]:
        return await reads.events(await self.store.reading(scope))
