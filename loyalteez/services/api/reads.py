"""What the JSON API reads, as plain values: a brand's servers, a leaderboard page, a member's figures,
KPI history and reward events. The same store reads (and the same rules) as the slash commands.

Nothing here checks a Discord admin level: a token is the brand operator's grant to read every server
of its brand, made on the command line by whoever holds the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from loyalteez.clock import utc_day
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.services.analytics.targets import list_targets
from loyalteez.services.api import texts
from loyalteez.services.errors import ValidationError
from loyalteez.services.rewards.admin_events import list_events
from loyalteez.services.rewards.rules import Rule
from loyalteez.services.standings import Balance
from loyalteez.services.streaks.service import StreakStatus
from loyalteez.store import ScopedData

HISTORY_DAYS = (7, 30, 90)


@dataclass(frozen=True, slots=True)
class ServerSummary:
    server_id: str
    name: str
    members: int  # members with figures on the server


@dataclass(frozen=True, slots=True)
class MemberFigures:
    member_id: str
    balance: Balance
    streak: StreakStatus
    messages: int
    reactions: int
    voice_minutes: int
    payouts: int

    @property
    def known(self) -> bool:
        """Has the server any record of this member (a member who never took part has none)?"""
        return bool(
            self.balance.earned or self.balance.spent or self.messages or self.reactions or self.voice_minutes
        ) or bool(self.payouts or self.streak.checkins)


@dataclass(frozen=True, slots=True)
class KpiSeries:
    metric: str
    title: str
    kind: str
    lower_is_better: bool
    target: float | None
    target_period: str | None
    alerting: bool
    points: list[tuple[date, float | None]]  # every day of the window, oldest first; None: no snapshot


def check_member(member_id: str) -> str:
    if not member_id.isdigit() or len(member_id) > 20:
        raise ValidationError("member", texts.BAD_MEMBER)
    return member_id


def check_days(raw: str | None) -> int:
    if raw is None or raw == "":
        return 30
    if not raw.isdigit() or int(raw) not in HISTORY_DAYS:
        raise ValidationError("days", texts.BAD_DAYS)
    return int(raw)


def check_metric(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    if raw not in KPIS:
        raise ValidationError("metric", texts.UNKNOWN_METRIC)
    return raw


async def summary(data: ScopedData, name: str) -> ServerSummary:
    return ServerSummary(data.scope.server_id, name, await data.standings.members())


async def member(data: ScopedData, member_id: str, balance: Balance, streak: StreakStatus) -> MemberFigures:
    stats = await data.standings.member_stats_of(member_id)
    return MemberFigures(
        member_id=member_id,
        balance=balance,
        streak=streak,
        messages=stats.messages,
        reactions=stats.reactions,
        voice_minutes=stats.voice_minutes,
        payouts=await data.ledger.history_size(member_id),
    )


async def kpi_history(data: ScopedData, days: int, metric: str | None, now: datetime) -> list[KpiSeries]:
    """Each KPI's daily snapshots over the `days` days that ended before today, with its target."""
    last = utc_day(now) - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    daily = await data.kpi.daily_metrics(first, last)
    targets = {t.metric: t for t in await list_targets(data)}
    window = [first + timedelta(days=i) for i in range(days)]
    series = []
    for kpi in KPIS:
        if metric is not None and kpi.name != metric:
            continue
        target = targets.get(kpi.name)
        series.append(
            KpiSeries(
                metric=kpi.name,
                title=kpi.title,
                kind=kpi.kind,
                lower_is_better=kpi.lower_is_better,
                target=target.target if target else None,
                target_period=target.period if target else None,
                alerting=bool(target and target.active and target.alerting),
                points=[(day, _number(daily.get(day, {}).get(kpi.name))) for day in window],
            )
        )
    return series


async def events(data: ScopedData) -> list[Rule]:
    return await list_events(data)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
