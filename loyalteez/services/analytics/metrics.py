"""The KPIs of one server for one UTC day D, computed from the rollups only (never from the history).

Seed metrics (targets can be set on these):
  daily_active_users    members who earned at least once on D
  weekly_active_users   members who earned at least once in D-6..D
  streak_retention      of streaks alive at the start of D, the share still alive at its end
  new_user_conversion   of members who joined (or were first seen) in D-6..D, the share who earned
  voice_participation   of D's active members, the share with counted voice minutes on D
  reward_efficiency     LTZ paid in D-6..D per member active in D-6..D
  churn_rate            of members active in D-13..D-7, the share not active in D-6..D   (lower is better)
  top_10_concentration  share of all LTZ earned so far held by the top 10 % of earners  (lower is better)
The hosted bot's further metrics:
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
empty the metric is None (null in JSON), never 0.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from loyalteez.clock import start_of_day
from loyalteez.services.analytics.streak_rules import boundary_days

Kind = Literal["count", "ratio", "number", "hours"]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    kind: Kind
    seed: bool
    lower_is_better: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("daily_active_users", "count", True),
    Metric("weekly_active_users", "count", True),
    Metric("streak_retention", "ratio", True),
    Metric("new_user_conversion", "ratio", True),
    Metric("voice_participation", "ratio", True),
    Metric("reward_efficiency", "number", True),
    Metric("churn_rate", "ratio", True, lower_is_better=True),
    Metric("top_10_concentration", "ratio", True, lower_is_better=True),
    Metric("events_per_active_user", "number", False),
    Metric("triggered_event_rate", "ratio", False),
    Metric("time_to_first_reward", "hours", False, lower_is_better=True),
    Metric("time_to_first_reward_pct", "ratio", False),
    Metric("repeat_event_rate", "number", False),
    Metric("repeat_event_rate_pct", "ratio", False),
    Metric("avg_streak_length", "number", False),
    Metric("streak_break_frequency", "number", False, lower_is_better=True),
)
BY_NAME = {m.name: m for m in METRICS}
SEED_METRICS = tuple(m.name for m in METRICS if m.seed)
DETAILS = "details"


def ratio(part: int, whole: int) -> float | None:
    """part / whole as a fraction rounded to 4 places; None when there is nothing to divide by."""
    return None if whole <= 0 else round(part / whole, 4)


def mean(total: float, count: int) -> float | None:
    return None if count <= 0 else round(total / count, 2)


async def day_metrics(
    data: Any, day: date, grace: float, earlier: Mapping[date, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Every metric for `day`, plus the raw counts they came from (under "details").

    `earlier`: daily snapshots' metrics of the days before (streak_break_frequency averages D-6..D and
    reads the breaks of earlier days from them; missing days are recomputed from the rollups).
    """
    window = await data.analytics_window(day, day - timedelta(days=6), day - timedelta(days=13))
    lifetime = await data.analytics_lifetime(day)
    streaks = await data.analytics_streaks(day, *boundary_days(day, grace))
    cohort = await data.analytics_cohort(start_of_day(day - timedelta(days=6)), start_of_day(day + timedelta(days=1)))
    end = start_of_day(day + timedelta(days=1))
    paid = [r for r in cohort if r["first_reward_at"] is not None and r["first_reward_at"] < end]
    hours = [(r["first_reward_at"] - r["entered_at"]).total_seconds() / 3600 for r in paid]
    breaks = streaks.alive_start - streaks.retained
    recent_breaks = [breaks]
    for back in range(1, 7):
        earlier_day = day - timedelta(days=back)
        found = ((earlier or {}).get(earlier_day) or {}).get(DETAILS, {}).get("streak_breaks")
        if found is None:
            counts = await data.analytics_streaks(earlier_day, *boundary_days(earlier_day, grace))
            found = counts.alive_start - counts.retained
        recent_breaks.append(int(found))
    return {
        "daily_active_users": window.dau,
        "weekly_active_users": window.wau,
        "streak_retention": ratio(streaks.retained, streaks.alive_start),
        "new_user_conversion": ratio(len(paid), len(cohort)),
        "voice_participation": ratio(window.dau_voice, window.dau),
        "reward_efficiency": mean(window.ltz_week, window.wau),
        "churn_rate": ratio(window.churned, window.previous_active),
        "top_10_concentration": ratio(lifetime.top_decile_ltz, lifetime.ltz_total),
        "events_per_active_user": mean(window.rewards_today, window.dau),
        "triggered_event_rate": ratio(window.dau, window.active_any),
        "time_to_first_reward": round(statistics.median(hours), 2) if hours else None,
        "time_to_first_reward_pct": ratio(sum(1 for h in hours if h <= 24), len(cohort)),
        "repeat_event_rate": mean(window.payouts_14d, window.earners_14d),
        "repeat_event_rate_pct": ratio(window.regulars_14d, window.earners_14d),
        "avg_streak_length": mean(streaks.streak_total, streaks.alive_end),
        "streak_break_frequency": round(sum(recent_breaks) / len(recent_breaks), 2),
        DETAILS: {
            "active_any": window.active_any,
            "payouts": window.rewards_today,
            "ltz_paid": window.ltz_today,
            "ltz_week": window.ltz_week,
            "previous_active": window.previous_active,
            "churned": window.churned,
            "new_members": len(cohort),
            "new_members_paid": len(paid),
            "earners_total": lifetime.earners,
            "ltz_total": lifetime.ltz_total,
            "streaks_alive_start": streaks.alive_start,
            "streaks_retained": streaks.retained,
            "streak_breaks": breaks,
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
