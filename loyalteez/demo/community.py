"""A simulated community: members with habits, generated from a seed so every run is the same."""

from __future__ import annotations

import random
from dataclasses import dataclass

# Habit -> (messages per active hour, chance of being active in an hour, greets, voice evenings)
HABITS: dict[str, tuple[float, float, bool, bool]] = {
    "chatty": (2.5, 0.55, True, False),
    "lurker": (0.3, 0.12, False, False),
    "voice_regular": (0.8, 0.25, False, True),
    "early_bird": (1.0, 0.30, True, False),
    "night_owl": (1.2, 0.30, True, True),
}
MIX = ("chatty",) * 6 + ("lurker",) * 10 + ("voice_regular",) * 6 + ("early_bird",) * 8 + ("night_owl",) * 6

FIRST = (
    "ada",
    "bo",
    "cy",
    "dee",
    "eli",
    "fay",
    "gus",
    "hal",
    "ivy",
    "jo",
    "kai",
    "lu",
    "max",
    "nia",
    "oz",
    "pia",
    "quin",
    "rex",
    "sol",
    "tess",
    "uma",
    "vic",
    "wes",
    "xan",
    "yui",
    "zed",
)
LAST = ("fox", "owl", "elk", "yak", "emu", "ram", "koi", "cat", "bee", "ant")

CHAT = (
    "anyone tried the new espresso blend?",
    "lol same",
    "that drop yesterday was wild",
    "brb",
    "who's up for voice later?",
    "great thread, thanks for sharing",
    "haha",
    "nice one",
    "what time is the community call?",
    "just joined, hi all",
    "this server is so wholesome",
)
LONG = (
    "I spent the weekend writing up a proper guide to dialing in a grinder at home: start coarse, pull a shot, "
    "taste it, then go two clicks finer at a time until it stops tasting sour, and keep notes so you can repeat it.",
    "Quick recap of yesterday's community call for anyone who missed it: we talked about the next meetup, the new "
    "reward events the admins are planning, and how voice hangouts will count toward the weekly goal from now on.",
)
GREETINGS_MORNING = ("gm", "good morning", "gm fam", "morning!", "gm everyone")
GREETINGS_NIGHT = ("gn", "good night", "gn fam", "sweet dreams", "nighty night")
REACTIONS = ("🎉", "🔥", "👍", "😂", "❤️")


@dataclass(frozen=True)
class Persona:
    name: str
    habit: str

    @property
    def rate(self) -> float:
        return HABITS[self.habit][0]

    @property
    def activity(self) -> float:
        return HABITS[self.habit][1]

    @property
    def greets(self) -> bool:
        return HABITS[self.habit][2]

    @property
    def voice_evenings(self) -> bool:
        return HABITS[self.habit][3]


def make_community(rng: random.Random, size: int = len(MIX)) -> list[Persona]:
    """`size` members with unique names and a fixed mix of habits."""
    names = rng.sample([f"{a}_{b}" for a in FIRST for b in LAST], size)
    habits = [MIX[i % len(MIX)] for i in range(size)]
    rng.shuffle(habits)
    return [Persona(name, habit) for name, habit in zip(names, habits, strict=True)]
