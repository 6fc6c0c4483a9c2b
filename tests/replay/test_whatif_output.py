"""`whatif` output an admin reads: the chart's legend clear of the lines, whole-LTZ ticks, whole-word labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from loyalteez.replay.synthetic import write_exports
from loyalteez.replay.whatif import RuleSet, chart_png, compare
from loyalteez.replay.whatif_texts import table_lines
from loyalteez.services.config_io import parse_config


def overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


async def test_whatif_chart_and_table_read_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_exports(tmp_path / "ex", messages=300, seed=4, channels=2, members=12, bots=1, days=4)
    double = parse_config('{"version": 1, "events": [{"name": "gm_checkin", "reward_amount": 50}]}', "d.json")
    rule_sets = [RuleSet("A: defaults", None), RuleSet("B: double_greetings_weekend.json", double)]
    outcomes = await compare([tmp_path / "ex"], rule_sets, quiet=True, workers=1)

    header = table_lines(outcomes)[2]
    assert header.split() == ["A:", "defaults", "B:", "double…"], "labels are cut between words, with an ellipsis"

    figures: list[Figure] = []
    original = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: (figures.append(self), original(self, *a, **k))[1])
    png = chart_png(outcomes)
    (tmp_path / "whatif.png").write_bytes(png)
    figure = figures[0]
    axes = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    assert not overlaps(axes.get_legend().get_window_extent(renderer), axes.get_window_extent(renderer))
    assert all(float(t).is_integer() for t in axes.get_yticks()), "LTZ get whole-number ticks"
    assert len(axes.get_lines()[0].get_xdata()) == 4, "the window is the history's days"
