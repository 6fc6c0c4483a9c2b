"""The report's chart: daily and weekly active members over the last 30 days, as PNG bytes.

matplotlib's object API with the Agg canvas: no pyplot, no display, no global figure state, so it is safe
in a headless bot and in a worker thread. Imported lazily (matplotlib takes a moment to load). The PNG
carries no timestamp metadata, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

WIDTH, HEIGHT, DPI = 8.0, 3.6, 100  # 800 x 360 px: readable in a Discord embed, a few tens of kB


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


def _png(figure: Any, axes: Any) -> bytes:
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def active_members_png(
    days: Sequence[date], daily: Sequence[float | None], weekly: Sequence[float | None], title: str
) -> bytes:
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
    return _png(figure, axes)


def daily_series_png(
    days: Sequence[date], series: Sequence[tuple[str, Sequence[float]]], title: str, ylabel: str
) -> bytes:
    """One line per labelled series over the same days (the what-if's daily LTZ under each rule set)."""
    figure, axes = _axes(title, ylabel)
    for label, values in series:
        axes.plot(list(days), list(values), linewidth=2, label=label)
    return _png(figure, axes)
