"""The report's chart as the bot posts it: legend clear of the data, whole-number member ticks, the KPI's
target drawn, and a young server's window fitted to the days it has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from matplotlib.figure import Figure

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle


@pytest.fixture
def saved_figures(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Every matplotlib figure the bot saves as a PNG, to inspect the chart it posted."""
    figures: list[Figure] = []
    original = Figure.savefig

    def savefig(self: Figure, *args, **kwargs):
        figures.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return figures


def overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def legend_clear_of_data(figure) -> bool:
    axes = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    return not overlaps(axes.get_legend().get_window_extent(renderer), axes.get_window_extent(renderer))


async def test_the_report_chart_fits_a_young_server(
    harness,
    connected,
    emu: Emulator,
    guild: GuildHandle,
    admin: MemberHandle,
    clock: ManualClock,
    saved_figures: list[Figure],
) -> None:
    general, reports_channel = guild.channel("general"), guild.create_text_channel("reports")
    await emu.settle()
    await admin.slash("kpi set", {"metric": "daily_active_users", "target": "3", "period": "day"})
    members = [guild.member(n) for n in ("ann", "ben", "cy")]
    for talkers in (members[:2], members[:1], members, members[:1]):
        for member in talkers:
            await member.say(general, "gm")
        await emu.settle()
        clock.set(clock.now().replace(hour=0, minute=10) + timedelta(days=1))
        await emu.settle()
    await admin.slash("report schedule", frequency="daily", channel=reports_channel)
    assert (await admin.slash("report now")).content.startswith("Posted the daily report")
    posted = [a for m in emu.sent_messages(reports_channel) for a in m.attachments if a.filename.endswith(".png")]
    assert posted, "the report carries its chart"

    assert len(saved_figures) == 1
    figure = saved_figures[0]
    axes = figure.axes[0]
    assert len(axes.patches) == 4, "one bar per day the server has, not 30 mostly empty ones"
    assert legend_clear_of_data(figure)
    assert all(float(t).is_integer() for t in axes.get_yticks()), "member counts get whole-number ticks"
    target = [line for line in axes.get_lines() if line.get_label() == "Target: daily active"]
    assert target and set(target[0].get_ydata()) == {3.0}
