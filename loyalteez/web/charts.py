"""KPI trend charts as inline SVG drawn on the server: no script, no image request, readable on a phone.

`trend_chart` turns a day-by-day series into coordinates in a fixed viewBox; the template draws them
(`macros.html: chart`). Days without a value break the line instead of pretending to be zero. A target
is a dashed line; the vertical scale starts at 0 and reaches the highest value or target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 4, 4, 14, 16  # room for the top value and the first/last day


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    lines: tuple[str, ...]  # polyline `points`, one per unbroken run of days
    dots: tuple[tuple[float, float], ...]  # lone days (a run of one)
    target_y: float | None
    top_label: str  # the value at the top of the scale
    first_day: str
    last_day: str
    plot_bottom: float
    plot_left: float
    plot_right: float
    summary: str  # what a screen reader says instead of the drawing
    empty: bool


def _coords(count: int, top: float) -> tuple[Callable[[int], float], Callable[[float], float]]:
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return round(LEFT + (inner_w * index / (count - 1) if count > 1 else inner_w / 2), 1)

    def y(value: float) -> float:
        return round(TOP + inner_h * (1 - (value / top if top > 0 else 0)), 1)

    return x, y


def trend_chart(
    days: Sequence[date],
    values: Sequence[float | None],
    target: float | None,
    fmt: Callable[[float | None], str],
    title: str,
) -> Chart:
    known = [v for v in values if v is not None]
    top = max([*known, *([target] if target is not None else []), 0.0])
    top = top if top > 0 else 1.0
    x, y = _coords(len(values), top)
    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x(index), y(float(value))))
    lines = tuple(" ".join(f"{px},{py}" for px, py in run) for run in runs if len(run) > 1)
    dots = tuple(run[0] for run in runs if len(run) == 1)
    first, last = (days[0], days[-1]) if days else (None, None)
    summary = (
        f"{title}: {len(known)} of {len(values)} days with a value"
        + (f", highest {fmt(max(known))}, latest {fmt(known[-1])}" if known else "")
        + (f", target {fmt(target)}" if target is not None else "")
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        lines=lines,
        dots=dots,
        target_y=y(target) if target is not None else None,
        top_label=fmt(top),
        first_day=f"{first:%d %b}" if first else "",
        last_day=f"{last:%d %b}" if last else "",
        plot_bottom=HEIGHT - BOTTOM,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        summary=summary,
        empty=not known,
    )
