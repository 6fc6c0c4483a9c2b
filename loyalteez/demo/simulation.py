"""A simulated week: every hour each member may greet, chat, react or hang out in voice.

Everything goes through the emulator as a person would act, and the clock the bot reads is moved
hour by hour, so cooldowns, once-a-day greetings and midnight happen as they would. Features add
behaviours (callables run every simulated hour) instead of editing the loop.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from loyalteez.demo import analytics, drops_perks, streaks_voice
from loyalteez.demo.community import CHAT, GREETINGS_MORNING, GREETINGS_NIGHT, LONG, REACTIONS, Persona
from loyalteez.demo.feed import Feed
from loyalteez.emulator.actors import MemberHandle
from loyalteez.emulator.harness import Harness
from loyalteez.emulator.state import Message

DAY_HOURS = range(6, 24)
MORNING, EVENING, NIGHT = range(6, 11), range(19, 23), range(21, 24)


@dataclass
class WeekSimulation:
    harness: Harness
    personas: list[Persona]
    rng: random.Random
    feed: Feed
    start: datetime
    days: int = 7
    counts: Counter[str] = field(default_factory=Counter)
    members: dict[str, MemberHandle] = field(default_factory=dict)
    behaviours: list[Callable[[WeekSimulation, int, int], Awaitable[None]]] = field(default_factory=list)
    _recent: list[tuple[str, Message]] = field(default_factory=list)
    _greeted: set[tuple[str, str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        guild = self.harness.guild
        self.general = guild.channel("general")
        self.lounge = guild.channel("lounge")
        for persona in self.personas:
            self.members[persona.name] = guild.member(persona.name)
        self.behaviours = [
            *analytics.BEHAVIOURS,
            self._chat,
            self._voice,
            *streaks_voice.BEHAVIOURS,
            *drops_perks.BEHAVIOURS,
            *self.behaviours,
        ]

    async def run(self) -> None:
        steps = self.days * len(DAY_HOURS)
        step = 0
        for day in range(self.days):
            for hour in DAY_HOURS:
                self.harness.clock.set(self.start + timedelta(days=day, hours=hour))
                for behaviour in self.behaviours:
                    await behaviour(self, day, hour)
                    # Settle after each: what one behaviour's members did (queued for the group-commit writer)
                    # is applied before the next one's commands, so a seed always plays the same order.
                    await self.harness.emu.settle(timeout=30)
                step += 1
                self.feed.progress(step, steps, self.harness.clock.now())
            self.feed.day_done(day, self.harness.clock.now(), self.counts)
        # Leave voice at the end of the week so every session is closed and counted.
        for persona in self.personas:
            if self.members[persona.name].voice_channel is not None:
                await self.members[persona.name].leave_voice()
        await self.harness.emu.settle(timeout=30)

    # -- built-in behaviours -----------------------------------------------------------------------------

    @staticmethod
    async def _chat(sim: WeekSimulation, day: int, hour: int) -> None:
        for persona in sim.personas:
            if sim.rng.random() > persona.activity:
                continue
            member = sim.members[persona.name]
            if persona.greets and hour in MORNING and (persona.name, "gm", day) not in sim._greeted:
                sim._greeted.add((persona.name, "gm", day))
                await sim._say(member, sim.rng.choice(GREETINGS_MORNING), "greetings")
            if persona.greets and hour in NIGHT and (persona.name, "gn", day) not in sim._greeted:
                sim._greeted.add((persona.name, "gn", day))
                await sim._say(member, sim.rng.choice(GREETINGS_NIGHT), "greetings")
            for _ in range(sim._poisson(persona.rate)):
                text = sim.rng.choice(LONG) if sim.rng.random() < 0.08 else sim.rng.choice(CHAT)
                await sim._say(member, text, "messages")
            if sim._recent and sim.rng.random() < 0.5:
                author, message = sim.rng.choice(sim._recent[-20:])
                if author != persona.name:
                    await member.react(message, sim.rng.choice(REACTIONS))
                    sim.counts["reactions"] += 1

    @staticmethod
    async def _voice(sim: WeekSimulation, day: int, hour: int) -> None:
        for persona in sim.personas:
            if not persona.voice_evenings:
                continue
            member = sim.members[persona.name]
            if hour == EVENING.start and sim.rng.random() < 0.7 and member.voice_channel is None:
                await member.join_voice(sim.lounge)
                sim.counts["voice joins"] += 1
            elif hour == NIGHT.stop - 1 and member.voice_channel is not None:
                await member.leave_voice()

    async def _say(self, member: MemberHandle, text: str, kind: str) -> None:
        message = await member.say(self.general, text)
        self._recent.append((member.name, message))
        del self._recent[:-50]
        self.counts[kind] += 1

    def _poisson(self, mean: float) -> int:
        """Small Poisson draw (Knuth) so chatty members post a few messages in an hour and lurkers rarely."""
        limit, count, product = 2.718281828 ** (-mean), 0, self.rng.random()
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count
