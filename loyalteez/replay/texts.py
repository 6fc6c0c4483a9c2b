"""The replay's printed summary: what was fed, what the bot paid, who leads, and the last day's KPIs."""

from __future__ import annotations

from pathlib import Path

from loyalteez.replay.feeder import FeedCounts
from loyalteez.replay.runner import ReplayResult
from loyalteez.services.analytics.metrics import KPIS
from loyalteez.services.analytics.texts import fmt


def fed_line(counts: FeedCounts) -> str:
    span = f"{counts.first_day} to {counts.last_day} ({counts.days} days with messages)"
    skipped = ", ".join(f"{n:,} {kind}" for kind, n in sorted(counts.skipped.items()))
    return (
        f"History: {span}; {counts.chat:,} chat messages ({counts.from_bots:,} by bots, never counted), "
        f"{counts.reactions:,} reactions, {counts.joins:,} joins, {counts.boosts:,} boosts"
        + (f"; skipped (not chat): {skipped}." if skipped else ".")
    )


def news_lines(result: ReplayResult, db_path: Path) -> list[str]:
    """On a database that already held this server: what this run added, or that it added nothing."""
    before, now = result.previous, result.recorded
    if before is None:
        return []
    if (before.payouts, before.ltz, before.members, before.snapshot_days) == (
        now.payouts,
        now.ltz,
        now.members,
        now.snapshot_days,
    ):
        return [
            f"Nothing new was written: {db_path} already held all of this history (replaying the same export "
            "again changes nothing). The totals below are what it holds."
        ]
    return [
        f"Added to what {db_path} already held: {now.payouts - before.payouts:,} payouts, "
        f"{now.ltz - before.ltz:,} LTZ. The totals below include the earlier replay."
    ]


def summary_lines(result: ReplayResult, db_path: Path) -> list[str]:
    counts, rec = result.counts, result.recorded
    rate = counts.messages / max(result.seconds, 1e-9)
    lines = [
        f"Replayed {counts.messages:,} messages of {result.server_name} (server {result.server_id}) into "
        f"{db_path}, brand {result.brand_name!r}: {result.seconds:.1f}s, {rate:,.0f} messages/s, "
        f"peak memory {result.peak_rss_mb:,.0f} MB.",
        *news_lines(result, db_path),
        fed_line(counts),
        f"Members with activity: {rec.members:,}. Paid {rec.ltz:,} LTZ in {rec.payouts:,} payouts to "
        f"{rec.earners:,} members.",
    ]
    if rec.by_event:
        lines.append("LTZ paid by event:")
        width = max(len(e.event) for e in rec.by_event)
        lines += [f"  {e.event:<{width}}  {e.payouts:>8,} payouts  {e.ltz:>10,} LTZ" for e in rec.by_event]
    if rec.top10:
        lines.append("Top 10 earners:")
        lines += [
            f"  {rank:>2}. {result.names.get(member, member)} ({member})  {ltz:,} LTZ"
            for rank, (member, ltz) in enumerate(rec.top10, start=1)
        ]
    if rec.last_day is not None:
        kpis = " · ".join(f"{name} {fmt(name, rec.last_kpis.get(name))}" for name in KPIS.targetable())
        lines.append(f"Last day's KPIs ({rec.last_day}): {kpis}.")
    lines.append(f"KPI snapshots: {rec.snapshot_days:,} daily rows. Inspect with: python bot.py --db {db_path} db info")
    if result.refused_requests:
        lines.append(f"Note: {result.refused_requests} bot request(s) would have been refused by Discord.")
    return lines
