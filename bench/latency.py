"""Latency: the 500-member load on PostgreSQL behind a slow network (0, 20 and 60 ms round trips).

Run: .venv/bin/python bench/latency.py [--seconds 30] [--members 500] [--rtt 0,20,60] [--rate 1.0]
     [--server postgresql://postgres@127.0.0.1:5432/test]

A Supabase database is tens of milliseconds from the bot, the local test server microseconds: each run puts
the latency proxy (loyalteez/testing/latency_proxy.py, on a thread of its own) between the bot and a fresh
PostgreSQL database, then plays the load of bench/load.py (chat, reactions, commands, a button drop) against the
real bot in its own process. Per round trip it reports:
  * command p50/p99: interaction sent -> reply visible in the emulator (open loop, as in bench/load.py);
  * lag p99: a message sent -> counted in the member's stats (written with its ledger rows in one
    transaction), sampled every 50 ms from a direct connection, so it includes up to 50 ms of sampling;
  * round trips per message: the proxy's count while only chat runs, at about 100 messages a second;
  * round trips per command: the proxy's count for each command run alone, a few times, once the bot has
    finished the load's leftovers (no round trip for a second).
Goal at 20 ms: command p99 < 500 ms and lag p99 < 1 s. Exit 1 if missed at 20 ms, or on failed interactions.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

import asyncpg

from bench._args import positive
from bench._load_members import Load
from bench._load_report import percentile
from bench.load import start_and_drop
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import TOKEN
from loyalteez.emulator.state import Channel
from loyalteez.testing.latency_proxy import ProxyThread
from tests.reliability.crash_rig import BotProcess, long_message, prepare_database

COMMAND_P99_GOAL_MS = 500.0
LAG_P99_GOAL_MS = 1000.0
SAMPLE_EVERY = 0.05
QUIET_COMMANDS = [("balance", {}), ("leaderboard", {}), ("daily", {}), ("claim", {"event": "bonus"})]


@dataclass
class PostgresBot(BotProcess):
    """The bot process of bench/load.py, pointed at a PostgreSQL URL instead of a SQLite file."""

    url: str = ""

    def env(self) -> dict[str, str]:
        return {**super().env(), "LOYALTEEZ_DATABASE_URL": self.url}


@dataclass
class Result:
    rtt_ms: float
    commands: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    per_message: float = 0.0
    per_command: dict[str, float] = field(default_factory=dict)
    failed: int = 0
    unanswered_lag: int = 0
    errors: list[str] = field(default_factory=list)


def database_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


class LagSampler:
    """When each member's messages show up in their stats, read straight from the database (not the proxy)."""

    def __init__(self, url: str, load: Load) -> None:
        self.url, self.load = url, load
        self.counted: dict[int, int] = {}
        self.lags: list[float] = []
        self._stop = asyncio.Event()

    async def run(self) -> None:
        conn = await asyncpg.connect(self.url)
        try:
            while not self._stop.is_set():
                await self.sample(conn)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), SAMPLE_EVERY)
            await self.sample(conn)
        finally:
            await conn.close()

    async def sample(self, conn: asyncpg.Connection) -> None:
        rows = await conn.fetch("SELECT discord_user_id, messages_count FROM discord_user_stats")
        now = time.perf_counter()
        for row in rows:
            member, count = int(row["discord_user_id"]), int(row["messages_count"])
            sent = self.load.sent_at.get(member, [])
            done = self.counted.get(member, 0)
            for index in range(done, min(count, len(sent))):
                self.lags.append(now - sent[index])
            self.counted[member] = max(done, min(count, len(sent)))

    def missing(self) -> int:
        return sum(len(sent) - self.counted.get(member, 0) for member, sent in self.load.sent_at.items())

    def stop(self) -> None:
        self._stop.set()


async def chat_only(members: list[MemberHandle], channels: list[Channel], seconds: float) -> int:
    """About 100 messages a second, a few of them long (those earn), nothing else."""
    sent, interval, rng = 0, 0.01, random.Random(7)
    next_at = time.perf_counter()
    deadline = next_at + seconds
    while time.perf_counter() < deadline:
        member = members[sent % len(members)]
        text = long_message(rng) if sent % 10 == 0 else f"chatting away, message {sent}"
        await member.say(channels[sent % len(channels)], text)
        sent += 1
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    return sent


async def one_run(server: str, rtt_ms: float, seconds: float, members: int, rate: float) -> Result:
    name = f"lt_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    direct = database_url(server, name)
    proxy = ProxyThread(direct, one_way=rtt_ms / 2000).start()
    emu = Emulator(token=TOKEN)
    await emu.start()
    result = Result(rtt_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bot = PostgresBot(emu, Path(tmp) / "unused.db", Path(tmp) / "bot.log", url=proxy.url(direct))
            try:
                guild = emu.create_guild("Latency Server")
                channels = [guild.channel("general")] + [guild.create_text_channel(f"chat-{n}") for n in range(3)]
                people = [guild.member(f"member{n:03d}") for n in range(members)]
                await prepare_database(direct, guild, guild.owner)  # type: ignore[arg-type]
                drop_message = await start_and_drop(emu, guild, bot)
                await measure(result, proxy, guild, people, channels, drop_message, direct, seconds, rate)
                try:
                    await bot.stop(timeout=60)  # a backlog on a slow link takes a while to flush
                    stopped = []
                except AssertionError as exc:  # measured already: report it with the numbers
                    stopped = [str(exc)]
                result.errors = [line for line in bot.log.read_text().splitlines() if " ERROR " in line] + stopped
            except BaseException:
                await bot.kill()
                print(bot.log_tail(), file=sys.stderr)
                raise
    finally:
        await emu.stop()
        proxy.stop()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return result


async def measure(
    result: Result,
    proxy: ProxyThread,
    guild: GuildHandle,
    people: list[MemberHandle],
    channels: list[Channel],
    drop_message: object,
    direct: str,
    seconds: float,
    rate: float,
) -> None:
    load = Load(people, channels, seconds, rate)
    sampler = LagSampler(direct, load)
    sampling = asyncio.create_task(sampler.run())
    await load.run(drop_message)  # type: ignore[arg-type]
    for _ in range(600):  # until every message is counted, at most 60 s
        if not sampler.missing():
            break
        await asyncio.sleep(0.1)
    sampler.stop()
    await sampling
    result.commands = load.latency.get("commands (all)", [])
    result.lags = sampler.lags
    result.unanswered_lag = sampler.missing()
    result.failed = sum(load.failed.values())

    await asyncio.sleep(1.0)  # let the last batches commit before counting alone
    before = proxy.round_trips
    sent = await chat_only(people[:50], channels, 5.0)
    await asyncio.sleep(1.0)
    result.per_message = (proxy.round_trips - before) / max(sent, 1)

    quiet = [guild.member(f"quiet{n}") for n in range(5)]
    for name, options in QUIET_COMMANDS:
        await settled(proxy)
        before = proxy.round_trips
        try:
            for member in quiet:
                await member.slash(name, options, reply_timeout=30)
        except AssertionError:  # still behind on the load: no clean count for this command
            result.failed += 1
            result.per_command[name] = float("nan")
            continue
        await asyncio.sleep(0.3)  # a command's passive follow-ups (its batch) land too
        result.per_command[name] = (proxy.round_trips - before) / len(quiet)


async def settled(proxy: ProxyThread, quiet: float = 1.0, most: float = 60.0) -> None:
    """Until the bot has finished the load's leftovers (clicks, commands and chat it is still working through
    on a slow link): no round trip for `quiet` seconds, or `most` seconds have passed. The proxy counts every
    connection's round trips, so a command counted while the bot is still busy would be charged its work."""
    deadline = time.perf_counter() + most
    last, still_since = proxy.round_trips, time.perf_counter()
    while time.perf_counter() < deadline and time.perf_counter() - still_since < quiet:
        await asyncio.sleep(0.1)
        if proxy.round_trips != last:
            last, still_since = proxy.round_trips, time.perf_counter()


def ms(values: list[float], q: int) -> float:
    return percentile([v * 1000 for v in values], q) if values else float("nan")


def print_table(results: list[Result], members: int, seconds: float) -> int:
    print(f"{members} members, {seconds:.0f} s of load per row; PostgreSQL behind the latency proxy\n")
    names = [n for n, _ in QUIET_COMMANDS]
    head = f"{'round trip':>10} {'cmd p50':>8} {'cmd p99':>8} {'lag p99':>8} {'RT/msg':>7} "
    head += " ".join(f"{'RT /' + n:>14}" for n in names) + f" {'failed':>7}"
    print(head)
    for r in results:
        line = f"{r.rtt_ms:>8.0f}ms {ms(r.commands, 50):>8.0f} {ms(r.commands, 99):>8.0f} {ms(r.lags, 99):>8.0f} "
        line += f"{r.per_message:>7.2f} " + " ".join(f"{r.per_command.get(n, 0):>14.1f}" for n in names)
        line += f" {r.failed:>7}"
        print(line)
    print("\n(times in ms; lag: message sent -> counted in stats; RT: database round trips on the wire)")
    status = 0
    for r in results:
        if r.failed or r.unanswered_lag or r.errors:
            print(
                f"{r.rtt_ms:.0f} ms: {r.failed} interactions failed, {r.unanswered_lag} messages never counted, "
                f"{len(r.errors)} errors in the bot log {'; '.join(r.errors[:2])}"
            )
            status = 1
        if r.rtt_ms == 20:
            p99, lag = ms(r.commands, 99), ms(r.lags, 99)
            ok = p99 < COMMAND_P99_GOAL_MS and lag < LAG_P99_GOAL_MS
            print(
                f"at 20 ms: command p99 {p99:.0f} ms (goal < {COMMAND_P99_GOAL_MS:.0f}), lag p99 {lag:.0f} ms "
                f"(goal < {LAG_P99_GOAL_MS:.0f}): {'ok' if ok else 'MISSED'}"
            )
            status = status or (0 if ok else 1)
    return status


async def run(server: str, rtts: list[float], seconds: float, members: int, rate: float) -> int:
    results = []
    for rtt in rtts:
        print(f"... {rtt:g} ms", file=sys.stderr, flush=True)
        results.append(await one_run(server, rtt, seconds, members, rate))
        r = results[-1]
        print(
            f"... {rtt:g} ms: cmd p99 {ms(r.commands, 99):.0f} ms, lag p99 {ms(r.lags, 99):.0f} ms, "
            f"{r.per_message:.2f} round trips per message, {r.failed} failed",
            file=sys.stderr,
            flush=True,
        )
    return print_table(results, members, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=positive(float), default=30.0)
    parser.add_argument("--members", type=positive(int), default=500)
    parser.add_argument("--rate", type=positive(float), default=1.0, help="scale chat and reaction rates")
    parser.add_argument("--rtt", default="0,20,60", help="round trips to measure, in ms, comma-separated")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/test", help="admin URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rtts = [float(x) for x in args.rtt.split(",") if x.strip()]
    sys.exit(asyncio.run(run(args.server, rtts, args.seconds, args.members, args.rate)))


if __name__ == "__main__":
    main()
