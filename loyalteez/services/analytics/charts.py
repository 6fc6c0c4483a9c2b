"""The report's chart (daily and weekly active members) and the what-if's daily series, as PNG bytes.

matplotlib's object API with the Agg canvas: no pyplot, no display, no global figure state, so it is safe
in a headless bot and in a worker thread. Imported lazily (matplotlib takes a moment to load). The PNG
carries no timestamp metadata, so the same data gives the same bytes.

Readable at a glance: the legend sits outside the plot (it never hides a line at its peak), counts get
whole-number ticks, a KPI's target is drawn as a dashed line, and the caller fits the days to the history
the server has.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

WIDTH, HEIGHT, DPI = 8.0, 3.6, 100  # 800 x 360 px: readable in a Discord embed, a few tens of kB
TARGET_COLOURS = ("#ED4245", "#9B59B6")


def _axes(title: str, ylabel: str) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=11)
    axes.set_ylabel(ylabel)
    axes.grid(axis="y", alpha=0.3)
    return figure, axes


def _finish(figure: Any, axes: Any, days: Sequence[date]) -> Any:
    from matplotlib.dates import AutoDateLocator, DateFormatter
    from matplotlib.ticker import MaxNLocator

    axes.margins(y=0.12)  # headroom: a peak or a target never sits on the frame
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # members and LTZ are whole numbers
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=min(len(days), 3), maxticks=10))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, borderaxespad=0)
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def figure_png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def active_members_figure(
    days: Sequence[date],
    daily: Sequence[float | None],
    weekly: Sequence[float | None],
    title: str,
    targets: Sequence[tuple[str, float]] = (),
) -> Any:
    """Daily active members as bars, weekly as a line, and each (label, value) target as a dashed line."""
    figure, axes = _axes(title, "members")
    nan = float("nan")
    axes.bar(list(days), [0 if v is None else v for v in daily], color="#57F287", width=0.8, label="Daily active")
    axes.plot(
        list(days),
        [nan if v is None else v for v in weekly],
        color="#5865F2",
        linewidth=2.2,
        label="Weekly active (7 days)",
    )
    for (label, value), colour in zip(targets, TARGET_COLOURS, strict=False):
        axes.axhline(value, color=colour, linestyle="--", linewidth=1.4, label=label)
    return _finish(figure, axes, days)


def daily_series_figure(
    days: Sequence[date], series: Sequence[tuple[str, Sequence[float]]], title: str, ylabel: str
) -> Any:
    """One line per labelled series over the same days (the what-if's daily LTZ under each rule set)."""
    figure, axes = _axes(title, ylabel)
    for label, values in series:
        axes.plot(list(days), list(values), linewidth=2, label=label)
    return _finish(figure, axes, days)
