"""Everything one brand may see and change of one server: one named repository per feature.

`store.scoped(scope)` returns a `ScopedData`; services call `data.drops.reserve(...)`,
`data.perks.spend(...)`, never a generic "select from table". Repositories are built on first use, so
opening a scope costs nothing for the features a call does not touch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from loyalteez.clock import Clock
from loyalteez.store._tables import Catalog, ScopedTables
from loyalteez.store.database import Database
from loyalteez.store.repos.achievements import AchievementsRepository
from loyalteez.store.repos.analytics import AnalyticsRepository
from loyalteez.store.repos.audit import AuditRepository
from loyalteez.store.repos.boosts import BoostsRepository
from loyalteez.store.repos.catchup import CatchupRepository
from loyalteez.store.repos.drops import DropsRepository
from loyalteez.store.repos.exports import ExportsRepository
from loyalteez.store.repos.goals import GoalsRepository
from loyalteez.store.repos.kpi import KpiRepository
from loyalteez.store.repos.ledger import LedgerRepository
from loyalteez.store.repos.notices import NoticesRepository
from loyalteez.store.repos.perks import PerksRepository
from loyalteez.store.repos.reports import ReportsRepository
from loyalteez.store.repos.rewards import RewardsRepository, note_conflict
from loyalteez.store.repos.segments import SegmentsRepository
from loyalteez.store.repos.server import ServerRepository
from loyalteez.store.repos.standings import StandingsRepository
from loyalteez.store.repos.streaks import StreaksRepository
from loyalteez.store.repos.voice import VoiceRepository
from loyalteez.store.scope import Scope

if TYPE_CHECKING:
    from loyalteez.store.store import Store


class ScopedData:
    def __init__(self, db: Database, catalog: Catalog, scope: Scope, clock: Clock, owner: Store) -> None:
        self._tables = ScopedTables(db, catalog, scope, clock)
        self.scope = scope
        self.clock = clock  # the store's clock: rows are stamped with its time
        # The store this scope was opened from: services built around one data set (a config import) need it.
        self.owner = owner

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Group several repository calls so they commit together."""
        try:
            async with self._tables.db.transaction():
                yield
        except Exception as exc:
            note_conflict(self._tables.db, exc)  # a config changed by another process: caches reload it
            raise

    @cached_property
    def server(self) -> ServerRepository:
        return ServerRepository(self._tables, self)

    @cached_property
    def rewards(self) -> RewardsRepository:
        return RewardsRepository(self._tables, self)

    @cached_property
    def ledger(self) -> LedgerRepository:
        return LedgerRepository(self._tables, self)

    @cached_property
    def standings(self) -> StandingsRepository:
        return StandingsRepository(self._tables, self)

    @cached_property
    def drops(self) -> DropsRepository:
        return DropsRepository(self._tables, self)

    @cached_property
    def achievements(self) -> AchievementsRepository:
        return AchievementsRepository(self._tables, self)

    @cached_property
    def goals(self) -> GoalsRepository:
        return GoalsRepository(self._tables, self)

    @cached_property
    def perks(self) -> PerksRepository:
        return PerksRepository(self._tables, self)

    @cached_property
    def streaks(self) -> StreaksRepository:
        return StreaksRepository(self._tables, self)

    @cached_property
    def voice(self) -> VoiceRepository:
        return VoiceRepository(self._tables, self)

    @cached_property
    def boosts(self) -> BoostsRepository:
        return BoostsRepository(self._tables, self)

    @cached_property
    def analytics(self) -> AnalyticsRepository:
        return AnalyticsRepository(self._tables, self)

    @cached_property
    def kpi(self) -> KpiRepository:
        return KpiRepository(self._tables, self)

    @cached_property
    def reports(self) -> ReportsRepository:
        return ReportsRepository(self._tables, self)

    @cached_property
    def segments(self) -> SegmentsRepository:
        return SegmentsRepository(self._tables, self)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self._tables, self)

    @cached_property
    def notices(self) -> NoticesRepository:
        return NoticesRepository(self._tables, self)

    @cached_property
    def catchup(self) -> CatchupRepository:
        return CatchupRepository(self._tables, self)

    @cached_property
    def exports(self) -> ExportsRepository:
        return ExportsRepository(self._tables, self)
