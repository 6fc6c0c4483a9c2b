"""The KPI registry: every KPI of one server for one UTC day D, computed from the rollups only.

A KPI is defined once, here, as a `Kpi`: its name, how its value reads (count, ratio, number, hours), its
label, whether lower is better, whether targets can be set on it, and how it is computed from the
`DayFigures` the rollups give for D. Everything else reads the registry (`KPIS`): the daily snapshots, /kpi
report and export, the reports' KPI lines, /kpi set's metric check and autocomplete, the config file's
kpi_targets schema, the replay summary.

Adding a KPI touches at most two production files:
  loyalteez/services/analytics/metrics.py   its `Kpi(...)` in the list below (name, kind, label, direction,
                                            targetable, computation): snapshots, /kpi report and export,
                                            reports, autocomplete and the config schema follow from it
  loyalteez/store/repos/analytics.py         only if it needs a rollup figure `DayFigures` does not hold yet
                                            (a new count in WindowCounts / LifetimeCounts / StreakCounts)
and its tests. A KPI that takes targets also needs its name in the targets table's CHECK list (a new
migration under loyalteez/store/migrations/: the seed schema lists the eight). `KPIS.register(...)` adds one
at run time (tests/services/analytics/test_adding_a_kpi.py).

Targets can be set on the first eight (the seed KPIs):
  daily_active_users    members who earned at least once on D
  weekly_active_users   members who earned at least once in D-6..D
  streak_retention      of streaks alive at the start of D, the share still alive at its end
  new_user_conversion   of members who joined (or were first seen) in D-6..D, the share who earned
  voice_participation   of D's active members, the share with counted voice minutes on D
  reward_efficiency     LTZ paid in D-6..D per member active in D-6..D
  churn_rate            of members active in D-13..D-7, the share not active in D-6..D   (lower is better)
  top_10_concentration  share of all LTZ earned so far held by the top 10 % of earners  (lower is better)
The hosted bot's further KPIs:
  events_per_active_user    payouts on D per active member of D
  triggered_event_rate      of members with any counted activity on D, the share who earned
  time_to_first_reward      median hours from joining (or first seen) to the first payout, for D's new-member
                            cohort (as new_user_conversion) among those already paid
  time_to_first_reward_pct  share of that cohort paid within 24 hours of joining
  repeat_event_rate         payouts per member who earned in D-13..D
  repeat_event_rate_pct     share of the members who earned in D-13..D with 3 or more payouts there
  avg_streak_length         average length of the streaks alive at the end of D
  streak_break_frequency    streaks broken per day, averaged over D-6..D
"Active" means earned at least once (a real payout). Ratios are fractions 0–1; when the denominator is
empty the KPI is None (null in JSON), never 0.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from loyalteez.clock import start_of_day
from loyalteez.services.analytics.streak_rules import boundary_days
from loyalteez.store import ScopedData
from loyalteez.store.repos.analytics_kpis import LifetimeCounts, StreakCounts, WindowCounts

Kind = Literal["count", "ratio", "number", "hours"]
DETAILS = "details"


def ratio(part: int, whole: int) -> float | None:
    """part / whole as a fraction rounded to 4 places; None when there is nothing to divide by."""
    return None if whole <= 0 else round(part / whole, 4)


def mean(total: float, count: int) -> float | None:
    return None if count <= 0 else round(total / count, 2)


@dataclass(frozen=True, slots=True)
class DayFigures:
    """What the rollups say about day D: everything a KPI is computed from."""

    day: date
    window: WindowCounts  # D's activity, the 7 and 14 days up to D
    lifetime: LifetimeCounts  # LTZ earned up to the end of D
    streaks: StreakCounts  # check-in streaks around D
    new_members: int  # members who joined (or were first seen) in D-6..D
    hours_to_first_reward: tuple[float, ...]  # ... of those paid by the end of D
    recent_breaks: tuple[int, ...]  # streaks broken on D, D-1, ..., D-6


@dataclass(frozen=True, slots=True)
class Kpi:
    name: str
    kind: Kind  # how its value reads: a whole count, a share 0-1, a number, hours
    title: str  # how people see it named
    compute: Callable[[DayFigures], float | None]
    lower_is_better: bool = False
    targetable: bool = False  # /kpi set and the config file's kpi_targets accept it


class KpiRegistry:
    """The KPIs in the order they are shown, snapshotted and exported."""

    def __init__(self, kpis: tuple[Kpi, ...] = ()) -> None:
        self._kpis: dict[str, Kpi] = {}
        for kpi in kpis:
            self.register(kpi)

    def register(self, kpi: Kpi) -> Kpi:
        """Add a KPI after the others; its name must be new (snapshots key their values by it)."""
        if kpi.name in self._kpis or kpi.name == DETAILS:
            raise ValueError(f"KPI {kpi.name!r} is already registered")
        self._kpis[kpi.name] = kpi
        return kpi

    def unregister(self, name: str) -> None:
        del self._kpis[name]

    def __iter__(self) -> Iterator[Kpi]:
        return iter(tuple(self._kpis.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._kpis

    def get(self, name: str) -> Kpi:
        return self._kpis[name]

    def all(self) -> tuple[Kpi, ...]:
        return tuple(self._kpis.values())

    def names(self) -> tuple[str, ...]:
        return tuple(self._kpis)

    def targetable(self) -> tuple[str, ...]:
        """Names of the KPIs targets can be set on, in order."""
        return tuple(k.name for k in self._kpis.values() if k.targetable)


def _median_hours(f: DayFigures) -> float | None:
    hours = f.hours_to_first_reward
    return round(statistics.median(hours), 2) if hours else None


KPIS = KpiRegistry(
    (
        Kpi("daily_active_users", "count", "Daily active members", lambda f: f.window.dau, targetable=True),
        Kpi("weekly_active_users", "count", "Weekly active members", lambda f: f.window.wau, targetable=True),
        Kpi(
            "streak_retention",
            "ratio",
            "Streak retention",
            lambda f: ratio(f.streaks.retained, f.streaks.alive_start),
            targetable=True,
        ),
        Kpi(
            "new_user_conversion",
            "ratio",
            "New member conversion",
            lambda f: ratio(len(f.hours_to_first_reward), f.new_members),
            targetable=True,
        ),
        Kpi(
            "voice_participation",
            "ratio",
            "Voice participation",
            lambda f: ratio(f.window.dau_voice, f.window.dau),
            targetable=True,
        ),
        Kpi(
            "reward_efficiency",
            "number",
            "LTZ per active member (7 days)",
            lambda f: mean(f.window.ltz_week, f.window.wau),
            targetable=True,
        ),
        Kpi(
            "churn_rate",
            "ratio",
            "Churn",
            lambda f: ratio(f.window.churned, f.window.previous_active),
            lower_is_better=True,
            targetable=True,
        ),
        Kpi(
            "top_10_concentration",
            "ratio",
            "Top 10 % share of LTZ",
            lambda f: ratio(f.lifetime.top_decile_ltz, f.lifetime.ltz_total),
            lower_is_better=True,
            targetable=True,
        ),
        Kpi(
            "events_per_active_user",
            "number",
            "Payouts per active member",
            lambda f: mean(f.window.rewards_today, f.window.dau),
        ),
        Kpi(
            "triggered_event_rate",
            "ratio",
            "Active members who earned",
            lambda f: ratio(f.window.dau, f.window.active_any),
        ),
        Kpi("time_to_first_reward", "hours", "Hours to first reward (median)", _median_hours, lower_is_better=True),
        Kpi(
            "time_to_first_reward_pct",
            "ratio",
            "Rewarded within 24 h of joining",
            lambda f: ratio(sum(1 for h in f.hours_to_first_reward if h <= 24), f.new_members),
        ),
        Kpi(
            "repeat_event_rate",
            "number",
            "Payouts per earner (all time)",
            lambda f: mean(f.window.payouts_14d, f.window.earners_14d),
        ),
        Kpi(
            "repeat_event_rate_pct",
            "ratio",
            "Earners with 3+ payouts",
            lambda f: ratio(f.window.regulars_14d, f.window.earners_14d),
        ),
        Kpi(
            "avg_streak_length",
            "number",
            "Average live streak (days)",
            lambda f: mean(f.streaks.streak_total, f.streaks.alive_end),
        ),
        Kpi(
            "streak_break_frequency",
            "number",
            "Streaks broken per day (7-day avg)",
            lambda f: round(sum(f.recent_breaks) / len(f.recent_breaks), 2),
            lower_is_better=True,
        ),
    )
)


async def day_figures(
    data: ScopedData, day: date, grace: float, earlier: Mapping[date, Mapping[str, Any]] | None = None
) -> DayFigures:
    """The rollup figures of `day`. `earlier`: daily snapshots' metrics of the days before, whose recorded
    streak breaks are reused (missing days are recomputed from the rollups)."""
    rollups = data.analytics
    window = await rollups.window(day, day - timedelta(days=6), day - timedelta(days=13))
    lifetime = await rollups.lifetime(day)
    streaks = await rollups.streaks(day, *boundary_days(day, grace))
    cohort = await rollups.cohort(start_of_day(day - timedelta(days=6)), start_of_day(day + timedelta(days=1)))
    end = start_of_day(day + timedelta(days=1))
    paid = [m for m in cohort if m.first_reward_at is not None and m.first_reward_at < end]
    hours = tuple(
        (m.first_reward_at - m.entered_at).total_seconds() / 3600 for m in paid if m.first_reward_at is not None
    )
    recent_breaks = [streaks.alive_start - streaks.retained]
    for back in range(1, 7):
        earlier_day = day - timedelta(days=back)
        found = ((earlier or {}).get(earlier_day) or {}).get(DETAILS, {}).get("streak_breaks")
        if found is None:
            counts = await rollups.streaks(earlier_day, *boundary_days(earlier_day, grace))
            found = counts.alive_start - counts.retained
        recent_breaks.append(int(found))
    return DayFigures(day, window, lifetime, streaks, len(cohort), hours, tuple(recent_breaks))


async def day_metrics(
    data: ScopedData, day: date, grace: float, earlier: Mapping[date, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Every KPI for `day`, plus the raw counts they came from (under "details")."""
    f = await day_figures(data, day, grace, earlier)
    window, lifetime, streaks = f.window, f.lifetime, f.streaks
    return {
        **{kpi.name: kpi.compute(f) for kpi in KPIS},
        DETAILS: {
            "active_any": window.active_any,
            "payouts": window.rewards_today,
            "ltz_paid": window.ltz_today,
            "ltz_week": window.ltz_week,
            "previous_active": window.previous_active,
            "churned": window.churned,
            "new_members": f.new_members,
            "new_members_paid": len(f.hours_to_first_reward),
            "earners_total": lifetime.earners,
            "ltz_total": lifetime.ltz_total,
            "streaks_alive_start": streaks.alive_start,
            "streaks_retained": streaks.retained,
            "streak_breaks": f.recent_breaks[0],
            "streaks_alive_end": streaks.alive_end,
        },
    }


def value_of(metrics: Mapping[str, Any] | None, name: str) -> float | None:
    value = (metrics or {}).get(name)
    return None if value is None else float(value)


def period_value(daily: Mapping[date, Mapping[str, Any]], name: str, end: date, days: int) -> float | None:
    """A metric over a period: the mean of its daily values in end-days+1..end (nulls left out)."""
    values = [v for back in range(days) if (v := value_of(daily.get(end - timedelta(days=back)), name)) is not None]
    if not values:
        return None
    return round(sum(values) / len(values), 4)
