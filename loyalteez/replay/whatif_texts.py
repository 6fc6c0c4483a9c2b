"""The what-if table: one column per rule set, the first being the baseline the others are compared to."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence

from loyalteez.replay.summary import Recorded
from loyalteez.replay.texts import fed_line
from loyalteez.replay.whatif import Outcome, rank_changes
from loyalteez.services.analytics.texts import fmt
from loyalteez.terminal import shorten

LABEL_WIDTH = 34
COLUMN_WIDTH = 18


def _mean_kpi(recorded: Recorded, name: str) -> float | None:
    values = [value for m in recorded.daily_kpis.values() if (value := m.get(name)) is not None]
    return statistics.fmean(values) if values else None


def _row(label: str, outcomes: Sequence[Outcome], cell: Callable[[Recorded], str]) -> str:
    return f"{label:<{LABEL_WIDTH}}" + "".join(f"{cell(o.result.recorded):>{COLUMN_WIDTH}}" for o in outcomes)


def _change(base: int, value: int) -> str:
    if base == value:
        return ""
    return f" ({(value - base) / base * 100:+.0f}%)" if base else " (new)"


def table_lines(outcomes: Sequence[Outcome]) -> list[str]:
    base = outcomes[0].result.recorded
    lines = [
        fed_line(outcomes[0].result.counts),
        "",
        f"{'':<{LABEL_WIDTH}}"
        + "".join(f"{shorten(o.rules.label, COLUMN_WIDTH - 1):>{COLUMN_WIDTH}}" for o in outcomes),
    ]
    lines.append(_row("LTZ paid", outcomes, lambda r: f"{r.ltz:,}{_change(base.ltz, r.ltz)}"))
    lines.append(_row("payouts", outcomes, lambda r: f"{r.payouts:,}"))
    lines.append(_row("members who earned", outcomes, lambda r: f"{r.earners:,}"))
    events = sorted({e.event for o in outcomes for e in o.result.recorded.by_event})
    for event in events:

        def event_cell(r: Recorded, ev: str = event) -> str:
            return f"{_event_ltz(r, ev):,}"

        lines.append(_row(f"  {event}", outcomes, event_cell))
    for name, label in (
        ("daily_active_users", "daily active earners (avg)"),
        ("weekly_active_users", "weekly active earners (avg)"),
    ):

        def average_cell(r: Recorded, n: str = name) -> str:
            return _avg(_mean_kpi(r, n))

        lines.append(_row(label, outcomes, average_cell))
    for name in ("top_10_concentration", "reward_efficiency"):

        def last_day_cell(r: Recorded, n: str = name) -> str:
            return fmt(n, r.last_kpis.get(n))

        lines.append(_row(f"{name} (last day)", outcomes, last_day_cell))
    if len(outcomes) > 1:
        lines += ["", f"Biggest rank changes, {outcomes[0].rules.label} -> {outcomes[-1].rules.label}:"]
        moves = rank_changes(outcomes)
        lines += [f"  {c.name} ({c.member}): {_rank(c.before)} -> {_rank(c.after)} ({c.delta:+d})" for c in moves]
        if not moves:
            lines.append("  none: every member keeps their rank.")
    return lines


def _event_ltz(recorded: Recorded, event: str) -> int:
    return next((e.ltz for e in recorded.by_event if e.event == event), 0)


def _avg(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _rank(rank: int | None) -> str:
    return f"#{rank}" if rank else "unranked"
