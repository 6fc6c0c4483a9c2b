"""Throughput of the loopback Discord: emulator -> real py-cord client -> bot handler.

Run: .venv/bin/python bench/emulator_events.py [--events 5000] [--slash 200]

Pushes N MESSAGE_CREATE events through the gateway to a bot whose on_message only counts, then
runs sequential slash-command round trips (INTERACTION_CREATE -> handler -> callback POST).
Loopback only; bounded in count; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord

from bench._args import positive
from loyalteez.emulator.harness import bare_bot_factory, running_bot


def make_bot() -> discord.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    bot = discord.Bot(intents=intents)
    bot.received = 0  # type: ignore[attr-defined]

    @bot.event
    async def on_message(message: discord.Message) -> None:
        bot.received += 1  # type: ignore[attr-defined]

    @bot.slash_command(name="ping", description="round trip")
    async def ping(ctx: discord.ApplicationContext) -> None:
        await ctx.respond("pong")

    return bot


async def run(events: int, slash: int) -> list[tuple[str, int, float]]:
    rows: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with running_bot(Path(tmp), app_factory=bare_bot_factory(make_bot)) as h:
            general, alice = h.guild.channel("general"), h.guild.member("alice")
            await h.emu.settle()
            started = time.perf_counter()
            for i in range(events):
                await alice.say(general, f"message {i}")
            await h.emu.settle(timeout=120)
            elapsed = time.perf_counter() - started
            if h.bot.received != events:
                raise SystemExit(f"lost events: {h.bot.received} of {events} arrived")
            rows.append(("MESSAGE_CREATE -> on_message", events, elapsed))

            started = time.perf_counter()
            for _ in range(slash):
                reply = await alice.slash("ping")
                assert reply.content == "pong"
            elapsed = time.perf_counter() - started
            rows.append(("slash command round trips", slash, elapsed))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=positive(int), default=5000)
    parser.add_argument("--slash", type=positive(int), default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = asyncio.run(run(args.events, args.slash))
    print(f"{'what':<32} {'count':>7} {'seconds':>9} {'per second':>11}")
    for what, count, seconds in rows:
        print(f"{what:<32} {count:>7} {seconds:>9.2f} {count / seconds:>11.0f}")


if __name__ == "__main__":
    main()
