"""The simulated members of the load benchmark (load.py): chat, reactions, drop clicks and commands, paced.

Split from load.py, which starts the bot and the emulator, checks that nothing was lost or doubled and
reports: this module keeps only what the members send and what they saw come back (the latency of every
command and click, the paid answers, the failures), on schedule whether or not earlier ones were answered.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from loyalteez.emulator import MemberHandle
from loyalteez.emulator.state import Channel, Message

COMMANDS = [("balance", {}), ("claim", {"event": "bonus"}), ("leaderboard", {}), ("cooldowns", {}), ("help", {})]
SMALL_TALK = ["lol", "nice", "anyone around?", "that's wild", "brb", "this is the way", "ok", "haha yes"]
WORDS = ["community", "loyalty", "reward", "points", "weekly", "event", "members", "server", "quest", "season"]


class Load:
    def __init__(self, members: list[MemberHandle], channels: list[Channel], seconds: float, rate: float) -> None:
        self.members, self.channels, self.seconds, self.rate = members, channels, seconds, rate
        self.rng = random.Random(42)
        self.recent: list[Message] = []
        self.posted: Counter[int] = Counter()
        self.sent_at: dict[int, list[float]] = {}  # member -> when each of their messages was sent, in order
        self.reacted: set[tuple[int, int, str]] = set()  # (member, message, emoji) on others' messages
        self.reactions_sent = 0
        self.latency: dict[str, list[float]] = {}
        self.paid_claims = 0
        self.paid_drops = 0
        self.failed: Counter[str] = Counter()
        self.deadline = 0.0
        self.pending: set[asyncio.Task[None]] = set()

    async def run(self, drop_message: Message) -> None:
        self.deadline = time.perf_counter() + self.seconds
        await asyncio.gather(self.chat(), self.react(), self.drop(drop_message), self.commands())
        if self.pending:
            await asyncio.wait(self.pending)

    def spawn(self, work: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(work)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def paced(self, per_second: float) -> AsyncIterator[None]:
        """Tick about `per_second` times a second, catching up in small bursts when the loop was busy."""
        interval, next_at = 1.0 / per_second, time.perf_counter()
        while time.perf_counter() < self.deadline:
            yield
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    async def chat(self) -> None:
        async for _ in self.paced(200 * self.rate):
            member, roll = self.rng.choice(self.members), self.rng.random()
            text = (
                "gm"
                if roll < 0.1
                else (" ".join(self.rng.choices(WORDS, k=25)) + ".")
                if roll < 0.25
                else self.rng.choice(SMALL_TALK)
            )
            self.sent_at.setdefault(member.id, []).append(time.perf_counter())
            message = await member.say(self.rng.choice(self.channels), text)
            self.posted[member.id] += 1
            self.recent = [*self.recent[-199:], message]

    async def react(self) -> None:
        async for _ in self.paced(80 * self.rate):
            if not self.recent:
                continue
            member, message = self.rng.choice(self.members), self.rng.choice(self.recent)
            emoji = self.rng.choice(["🎉", "🔥", "👍"])
            if (member.id, message.id, emoji) in self.reacted:
                continue
            await member.react(message, emoji)
            self.reactions_sent += 1
            if message.author.id != member.id:  # reacting to one's own message is not taking part: not counted
                self.reacted.add((member.id, message.id, emoji))

    async def drop(self, message: Message) -> None:
        order = list(self.members)
        self.rng.shuffle(order)
        async for _ in self.paced(len(order) / max(1.0, self.seconds * 0.8)):
            if not order:
                return
            self.spawn(self.click(order.pop(), message))

    async def click(self, member: MemberHandle, message: Message) -> None:
        started = time.perf_counter()
        try:
            reply = await member.click(message, "Claim", reply_timeout=10)
        except AssertionError:
            self.failed["drop click"] += 1
            return
        self.latency.setdefault("drop claim (button)", []).append(time.perf_counter() - started)
        self.paid_drops += "LTZ" in reply.content

    async def commands(self) -> None:
        async for _ in self.paced(20 * self.rate):
            name, options = self.rng.choice(COMMANDS)
            self.spawn(self.command(self.rng.choice(self.members), name, options))

    async def command(self, member: MemberHandle, name: str, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            reply = await member.slash(name, options, reply_timeout=10)
        except AssertionError:
            self.failed[f"/{name}"] += 1
            return
        elapsed = time.perf_counter() - started
        self.latency.setdefault("commands (all)", []).append(elapsed)
        self.latency.setdefault(f"  /{name}", []).append(elapsed)
        self.paid_claims += name == "claim" and "You earned" in reply.content
