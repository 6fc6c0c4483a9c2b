"""What a replay recorded, read back from the database it wrote (never from the feeder's own counts).

The same reading serves the end-of-replay summary and each column of a what-if comparison, so both show
what an admin would see in the bot afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from loyalteez.services.analytics.metrics import KPIS
from loyalteez.store import ScopedData

EPOCH = datetime(2015, 1, 1, tzinfo=UTC)  # before Discord existed: "since the start"


@dataclass(frozen=True)
class EventTotal:
    event: str
    payouts: int
    ltz: int


@dataclass(frozen=True)
class Recorded:
    members: int
    payouts: int
    ltz: int
    earners: int
    by_event: tuple[EventTotal, ...]
    # (member id, LTZ earned), every earner, best first: the top 10 and the what-if rank changes
    ranking: tuple[tuple[str, int], ...]
    daily_paid: dict[date, int]
    snapshot_days: int
    last_day: date | None
    last_kpis: dict[str, Any] = field(default_factory=dict)
    daily_kpis: dict[date, dict[str, Any]] = field(default_factory=dict)

    @property
    def top10(self) -> tuple[tuple[str, int], ...]:
        return self.ranking[:10]


async def read_recorded(data: ScopedData) -> Recorded:
    totals = await data.standings.totals(EPOCH)
    events = await data.standings.breakdown(EPOCH, "events", limit=1_000)
    earners = await data.standings.ranked("ltz_earned", None)
    ranking = await data.standings.page("ltz_earned", None, max(earners, 1), 0)
    snapshots = await data.kpi.snapshots("daily")
    last_day = snapshots[-1].snapshot_date if snapshots else None
    first_day = snapshots[0].snapshot_date if snapshots else None
    daily = await data.kpi.daily_metrics(first_day, last_day) if first_day and last_day else {}
    return Recorded(
        members=await data.standings.members(),
        payouts=totals.payouts,
        ltz=totals.ltz,
        earners=earners,
        by_event=tuple(EventTotal(r.name, r.payouts, r.ltz) for r in events),
        ranking=tuple((r.member_id, r.value) for r in ranking),
        daily_paid=await data.kpi.daily_paid(),
        snapshot_days=len(snapshots),
        last_day=last_day,
        last_kpis={k: daily.get(last_day, {}).get(k) for k in KPIS.targetable()} if last_day else {},
        daily_kpis=daily,
    )
