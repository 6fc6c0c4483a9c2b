"""Demo behaviours for daily check-ins and voice: early birds keep streaks, voice regulars claim their minutes.

Each is a WeekSimulation behaviour (run every simulated hour) acting through the emulator as a member would:
/daily in the morning (a milestone claimed when /daily says one is reached), /voice claim after an evening in
voice. Random draws come from the simulation's seeded rng, so a seed always plays the same week.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loyalteez.store import ScopedData

if TYPE_CHECKING:
    from loyalteez.demo.simulation import WeekSimulation

# Habit -> (hour of the morning check-in, chance of checking in that day)
CHECKIN_HABITS = {"early_bird": (7, 0.92), "chatty": (10, 0.45), "night_owl": (22, 0.35)}
CLAIM_HOUR = 23  # after the evening in voice (members leave at 23:00)


async def daily_checkins(sim: WeekSimulation, day: int, hour: int) -> None:
    for persona in sim.personas:
        habit = CHECKIN_HABITS.get(persona.habit)
        if habit is None or habit[0] != hour or sim.rng.random() > habit[1]:
            continue
        member = sim.members[persona.name]
        reply = await member.slash("daily")
        sim.counts["check-ins"] += 1
        if "Milestone reached!" in reply.content:
            await member.slash("streak", action="claim")
            sim.counts["milestones claimed"] += 1


async def voice_claims(sim: WeekSimulation, day: int, hour: int) -> None:
    if hour != CLAIM_HOUR:
        return
    for persona in sim.personas:
        if persona.voice_evenings:
            reply = await sim.members[persona.name].slash("voice claim")
            if "You earned" in reply.content:
                sim.counts["voice claims"] += 1


BEHAVIOURS = (daily_checkins, voice_claims)


async def summary_lines(data: ScopedData, names: dict[str, str]) -> list[str]:
    """What the bot recorded about streaks and voice, for the week's summary (names instead of ids)."""
    checkins = await data.streaks.checkins()
    streaks = sorted(await data.streaks.everyone(), key=lambda s: (-s.current, names.get(s.member_id, "")))
    sessions = await data.voice.sessions()
    lines = [f"Streaks: {len(checkins)} check-ins by {len({c.member_id for c in checkins})} members"]
    if streaks:
        lines[0] += "; longest: " + ", ".join(
            f"{names.get(s.member_id, s.member_id)} {s.current}d" for s in streaks[:5]
        )
    counted = sum(s.minutes or 0 for s in sessions)
    members = len({s.member_id for s in sessions})
    lines.append(
        f"Voice: {len(sessions)} sessions by {members} members, {counted} counted minutes "
        f"(alone, AFK and deafened time not counted)"
    )
    return lines
