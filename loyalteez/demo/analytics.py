"""Demo analytics: the admin sets a KPI target and a weekly report; the week ends with that report posted.

On the first morning club_admin sets a daily-active-members target (its alerts go to the admin channel,
which the drops demo makes #mod-log) and schedules the weekly report for Mondays in #reports. The
scheduler then writes each day's KPI snapshot at midnight as the simulated clock passes it. `finish` moves
the clock to the next Monday 00:06: Sunday's snapshots are written and the weekly report (embed + chart) is
posted in #reports; its chart is saved next to the demo database (data/demo-report.png). All of it follows
the seed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from loyalteez import private_files
from loyalteez.demo.feed import readable
from loyalteez.services.analytics import texts
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.store import ScopedData

if TYPE_CHECKING:
    from loyalteez.demo.simulation import WeekSimulation
    from loyalteez.emulator.harness import Harness

ADMIN = "club_admin"
REPORT_FILE = "demo-report.png"
DAU_TARGET = "30"  # alerts below 80 %: 24 daily active members


async def setup_analytics(sim: WeekSimulation, day: int, hour: int) -> None:
    if day != 0 or hour != 6:
        return
    guild = sim.harness.guild
    admin = guild.member(ADMIN)
    reports = guild.create_text_channel("reports")
    await sim.harness.emu.settle()
    await admin.slash("kpi set", {"metric": "daily_active_users", "target": DAU_TARGET, "period": "day"})
    reply = await admin.slash("report schedule", {"frequency": "weekly", "channel": reports, "day-of-week": 0})
    refused = f"refused: {readable(guild, reply.content)}"
    scheduled = "scheduled" if reply.content.startswith("Weekly report") else refused
    sim.feed.line(
        f"  {ADMIN}: /kpi set daily_active_users {DAU_TARGET}; /report schedule weekly #reports "
        f"(Mondays 00:05 UTC) -> {scheduled}"
    )


BEHAVIOURS = (setup_analytics,)


async def finish(sim: WeekSimulation, folder: Path) -> Path | None:
    """Next Monday 00:06: the last snapshots and the weekly report; returns where its chart was saved."""
    h = sim.harness
    h.clock.set(sim.start + timedelta(days=7, minutes=6))
    await h.emu.settle(timeout=60)
    posted = h.emu.sent_messages(h.guild.channel("reports"))
    charts = [a for m in posted for a in m.attachments if a.filename.endswith(".png")]
    if not charts:
        return None
    path = folder / REPORT_FILE
    private_files.write_bytes(path, charts[-1].data)
    sim.counts["reports posted"] = len(posted)
    return path


async def summary_lines(h: Harness, data: ScopedData) -> list[str]:
    """The last day's KPIs and what was posted (deterministic per seed: no file paths, no timings)."""
    lines = []
    latest = await h.app.services.analytics.latest_snapshot(data.scope)
    if latest is not None:
        day, metrics = latest
        shown = ", ".join(f"{name} {texts.fmt(name, metrics.get(name))}" for name in KPIS.targetable())
        lines.append(f"KPIs for {day:%a %d %b} (daily snapshot): {shown}")
    reports = h.emu.sent_messages(h.guild.channel("reports")) if _has(h, "reports") else []
    notices = [m.content for m in h.emu.sent_messages()]
    alerts = sum(1 for n in notices if n.startswith("⚠️ **KPI alert**"))
    recoveries = sum(1 for n in notices if n.startswith("✅ **KPI recovered**"))
    titles = [m.embeds[0]["title"] for m in reports if m.embeds]
    lines.append(
        f"Reports: {len(reports)} posted in #reports"
        + (f" ({titles[-1]}, chart attached)" if titles else "")
        + f"; {alerts} KPI alert(s) and {recoveries} recovery(ies) in the admin channel "
        f"(target: {DAU_TARGET} daily active members, alert below 80 %)"
    )
    return lines


def _has(h: Harness, name: str) -> bool:
    return any(c.name == name for c in h.guild.guild.channels.values())
