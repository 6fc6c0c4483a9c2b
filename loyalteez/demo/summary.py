"""What the bot recorded during the demo week, from its own database; names instead of ids."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from loyalteez.demo import analytics, drops_perks, streaks_voice
from loyalteez.emulator.harness import Harness

if TYPE_CHECKING:
    from loyalteez.demo.simulation import WeekSimulation

MEDALS = ("🥇", "🥈", "🥉")


async def render_summary(h: Harness, sim: WeekSimulation, seed: int) -> str:
    scope = await h.app.services.setup.scope_for(str(h.guild.id))
    names = {str(m.id): name for name, m in sim.members.items()}
    lines = [f"== Summary of the simulated week (seed {seed}) =="]
    lines.append(
        f"Community: {len(sim.personas)} members "
        + "("
        + ", ".join(f"{n} {habit}" for habit, n in sorted(Counter(p.habit for p in sim.personas).items()))
        + ")"
    )
    lines.append("Simulated: " + ", ".join(f"{sim.counts[k]} {k}" for k in sorted(sim.counts)))
    if scope is None:
        lines.append("The server is not connected, so the bot recorded nothing.")
        return "\n".join(lines)
    data = h.app.store.scoped(scope)
    stats = await data.standings.member_stats()
    lines.append(
        f"Bot recorded: {len(stats)} members, {sum(s.messages for s in stats)} messages, "
        f"{sum(s.reactions for s in stats)} reactions, {sum(s.voice_minutes for s in stats)} voice minutes"
    )
    lines += await streaks_voice.summary_lines(data, names)
    lines += await drops_perks.summary_lines(data, names)
    lines += await analytics.summary_lines(h, data)
    by_event = await data.standings.paid_by_event()
    total = sum(by_event.values())
    lines.append(
        f"LTZ paid: {total:,}"
        + (
            " (" + ", ".join(f"{event} {amount:,}" for event, amount in sorted(by_event.items())) + ")"
            if by_event
            else ""
        )
    )
    top = sorted(stats, key=lambda s: (-s.ltz_earned, names.get(s.member_id, "")))[:10]
    if top and top[0].ltz_earned:
        lines.append("Leaderboard:")
        for rank, row in enumerate(top, start=1):
            badge = MEDALS[rank - 1] if rank <= 3 else f"{rank:>2}."
            who = names.get(row.member_id, row.member_id)
            lines.append(f"  {badge} {who:<12} {row.ltz_earned:>6,} LTZ  {row.messages:>4} messages")
    return "\n".join(lines)
