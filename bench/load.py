"""Load: 500 simulated members chatting, reacting, claiming a drop and running commands, through the emulator.

Run: .venv/bin/python bench/load.py [--seconds 60] [--members 500] [--rate 1.0]

The real bot runs as it does in production, in its own process (`python bot.py run`, SQLite), connected to the
loopback Discord emulator in this process, which also plays the members (the same rig as the crash test,
tests/reliability/crash_rig.py). For `--seconds`:
  * chat: ~200 messages/s from random members in 4 channels (greetings, long messages, small talk);
  * reactions: ~80/s on recent messages;
  * commands: ~20/s (each member about every 25 s) of /balance, /claim bonus, /leaderboard, /cooldowns, /help,
    sent on schedule whether or not earlier ones were answered (open loop, so a slow bot cannot hide its
    queue); latency = interaction sent -> reply visible in the emulator (loopback HTTP and websocket included);
  * a button drop: every member clicks Claim once, spread over the run.
`--rate` scales everything. Afterwards it waits until the bot has counted everything, stops it, and
checks that nothing was lost or doubled: messages and reactions counted once per member, every paid reply
(claims, drop clicks) in the ledger, no idempotency key twice, stats == ledger. Peak memory: the bot
process's maximum resident set (getrusage of the finished child). Exit 1 on a loss or if p99 >= 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import TOKEN
from loyalteez.emulator.state import Channel, Message
from loyalteez.services.rewards.check import check_ledger
from loyalteez.store import Store
from tests.reliability.crash_rig import BotProcess, prepare_database

COMMANDS = [("balance", {}), ("claim", {"event": "bonus"}), ("leaderboard", {}), ("cooldowns", {}), ("help", {})]
SMALL_TALK = ["lol", "nice", "anyone around?", "that's wild", "brb", "this is the way", "ok", "haha yes"]
WORDS = ["community", "loyalty", "reward", "points", "weekly", "event", "members", "server", "quest", "season"]
P99_TARGET_MS = 250.0


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

    async def command(self, member: MemberHandle, name: str, options: dict) -> None:
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


async def start_and_drop(emu: Emulator, guild: GuildHandle, bot: BotProcess) -> Message:
    """Start the bot, wait until it answers, then make a button drop as the server owner would."""
    ready = emu.gateway.next_ready()
    await bot.start()
    await asyncio.wait_for(ready, 30)
    owner = guild.owner
    for _ in range(100):  # READY arrived; commands are registered and answered a moment later
        try:
            await owner.slash("help", reply_timeout=1)
            break
        except AssertionError:
            await asyncio.sleep(0.1)
    await owner.slash("config events", action="create", name="load_drop", reward=10, trigger="drop")
    reply = await owner.slash("drop create", event="load_drop")
    assert "drop" in reply.content.lower(), reply.content
    return next(m for m in reversed(emu.sent_messages(guild.channel("general"))) if m.buttons)


def read(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def drained(db: Path, load: Load, timeout: float) -> bool:
    """Until the bot (another process) has counted every message and reaction sent."""
    expected = sum(load.posted.values()) + len(load.reacted)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if (
            read(db, "SELECT COALESCE(SUM(messages_count + reactions_count), 0) FROM discord_user_stats")[0][0]
            >= expected
        ):
            return True
        await asyncio.sleep(0.05)
    return False


def lost_or_doubled(db: Path, load: Load) -> list[str]:
    stats = {
        int(m): (msgs, reacts)
        for m, msgs, reacts in read(
            db, "SELECT discord_user_id, messages_count, reactions_count FROM discord_user_stats"
        )
    }
    bonus = read(db, "SELECT COUNT(*) FROM loyalteez_reward_ledger WHERE event_type = 'bonus'")[0][0]
    drops = read(db, "SELECT COUNT(*) FROM discord_drop_claims")[0][0]
    twice = read(
        db,
        "SELECT COUNT(*) FROM (SELECT 1 FROM loyalteez_reward_ledger GROUP BY server_id, "
        "idempotency_key HAVING COUNT(*) > 1)",
    )[0][0]
    reactions = Counter(member for member, _, _ in load.reacted)
    problems = []
    for member in load.members:
        msgs, reacts = stats.get(member.id, (0, 0))
        if msgs != load.posted[member.id] or reacts != reactions[member.id]:
            problems.append(
                f"{member.name}: counted {msgs}/{reacts}, sent {load.posted[member.id]}/"
                f"{reactions[member.id]} messages/reactions"
            )
    if bonus != load.paid_claims:
        problems.append(f"/claim: {load.paid_claims} paid replies but {bonus} ledger rows")
    if drops != load.paid_drops:
        problems.append(f"drop: {load.paid_drops} paid clicks but {drops} claims recorded")
    if twice:
        problems.append(f"{twice} idempotency keys paid twice")
    return problems


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def run(seconds: float, members: int, rate: float) -> int:
    emu = Emulator(token=TOKEN)
    await emu.start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        bot = BotProcess(emu, db, Path(tmp) / "bot.log")
        try:
            guild = emu.create_guild("Load Server")
            channels = [guild.channel("general")] + [guild.create_text_channel(f"chat-{n}") for n in range(3)]
            people = [guild.member(f"member{n:03d}") for n in range(members)]
            await prepare_database(db, guild, guild.owner)
            drop_message = await start_and_drop(emu, guild, bot)
            load = Load(people, channels, seconds, rate)
            started = time.perf_counter()
            await load.run(drop_message)
            offered = time.perf_counter() - started
            caught_up = await drained(db, load, 120)
            handled = time.perf_counter() - started
            await asyncio.sleep(0.3)
            await bot.stop()
        except BaseException:
            await bot.kill()
            print(bot.log_tail(), file=sys.stderr)
            raise
        finally:
            await emu.stop()
        problems = lost_or_doubled(db, load) + ([] if caught_up else ["the bot did not catch up within 120 s"])
        store = await Store.open(str(db))
        try:
            report = await check_ledger(store)
        finally:
            await store.close()
        if not report.ok:
            problems.append(f"stats differ from the ledger for {len(report.drifts)} member(s)")
        errors = [line for line in bot.log.read_text().splitlines() if " ERROR " in line]
    return print_table(load, members, seconds, offered, handled, problems, errors)


def print_table(
    load: Load, members: int, seconds: float, offered: float, handled: float, problems: list[str], errors: list[str]
) -> int:
    interactions = sum(len(v) for k, v in load.latency.items() if not k.startswith("  "))
    events = sum(load.posted.values()) + load.reactions_sent + interactions
    print(
        f"{members} members, {seconds:.0f} s of load; the bot had handled everything {handled - offered:.1f} s "
        "after the load stopped\n"
    )
    print(f"{'what':<24} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for what, values in load.latency.items():
        ms = [v * 1000 for v in values]
        print(
            f"{what:<24} {len(ms):>7} {percentile(ms, 50):>8.1f} {percentile(ms, 95):>8.1f} "
            f"{percentile(ms, 99):>8.1f} {max(ms):>8.1f}"
        )
    print()
    print(f"{'messages':<24} {sum(load.posted.values()):>7}")
    print(f"{'reactions':<24} {load.reactions_sent:>7}   ({len(load.reacted)} on others' messages: counted)")
    print(f"{'interactions':<24} {interactions:>7}   (commands and drop clicks)")
    print(f"{'events/s':<24} {events / handled:>7.0f}   (all of them / time until the bot had handled them)")
    print(
        f"{'peak memory, bot':<24} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:>7.0f} MB"
        "   (max resident set of the bot process)"
    )
    print(
        f"{'peak memory, emulator':<24} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>7.0f} MB"
        "   (this process: emulator and simulated members)"
    )
    print(f"{'failed interactions':<24} {sum(load.failed.values()):>7}   {dict(load.failed) or ''}")
    print(f"{'errors in the bot log':<24} {len(errors):>7}   {'; '.join(errors[:3])}")
    print(f"{'lost or doubled':<24} {len(problems):>7}   {'; '.join(problems[:5])}")
    p99 = percentile([v * 1000 for v in load.latency.get("commands (all)", [0.0])], 99)
    print(f"\ncommand p99 {p99:.0f} ms (target < {P99_TARGET_MS:.0f} ms): {'ok' if p99 < P99_TARGET_MS else 'MISSED'}")
    return 1 if problems or errors or load.failed or p99 >= P99_TARGET_MS else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--rate", type=float, default=1.0, help="scale chat and reaction rates")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    sys.exit(asyncio.run(run(args.seconds, args.members, args.rate)))


if __name__ == "__main__":
    main()
