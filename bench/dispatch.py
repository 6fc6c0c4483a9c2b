"""Gateway dispatch: tasks per event and the cost of each message listener, py-cord's listeners vs the dispatcher.

Run: .venv/bin/python bench/dispatch.py [--events 20000] [--messages 2000]

1. In one process, no network: a py-cord `discord.Bot` is handed `--events` message events the way its gateway
   parser hands them over (`dispatch`), with 1 to 4 features listening, each doing what most handlers do for
   most messages (a lookup, then return):
     * py-cord: each feature a `commands.Cog.listener()`: a task per listener per event (how the bot was);
     * dispatcher: each feature an `@on("message")` method, routed by the bot's dispatcher and chat backlog
       (loyalteez/discord/dispatch.py, backlog.py): no task per event.
   Printed side by side: CPU µs per event (the best of 3 interleaved runs), tasks started per event, and the
   cost of one more listener (the slope from 1 to 4 listeners).
2. The real bot end to end: the App connected to the emulator in this process, `--messages` chat messages
   and reactions and a few commands; py-cord handler tasks the bot started per gateway event.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Generator
from pathlib import Path
from typing import Any, TypeVar

import discord
from discord.ext import commands

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._args import positive
from bench._results import publish
from loyalteez.discord.dispatch import Dispatcher, on
from loyalteez.emulator.harness import running_bot

LISTENERS = (1, 2, 3, 4)
SEEN: dict[int, int] = {}


T = TypeVar("T")


class Counter:
    """A task factory that counts the tasks started (and, by name, py-cord's handler tasks)."""

    def __init__(self) -> None:
        self.tasks = 0
        self.handlers = 0

    def __call__(
        self, loop: asyncio.AbstractEventLoop, coro: Generator[Any, None, T] | Coroutine[Any, Any, T], /, **kwargs: Any
    ) -> asyncio.Task[T]:
        self.tasks += 1
        task = asyncio.Task(coro, loop=loop, **kwargs)
        if task.get_name().startswith("pycord: "):
            self.handlers += 1
        return task


class Routed(discord.Bot):
    """py-cord's bot with the dispatcher wired in as the Loyalteez bot does (discord/bot.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.dispatcher = Dispatcher(self)

    def add_cog(self, cog: commands.Cog, *, override: bool = False) -> None:
        super().add_cog(cog, override=override)
        self.dispatcher.collect(cog)

    def dispatch(self, event: str, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event, *args, **kwargs)
        self.dispatcher.dispatch(event, args)


def listener_cog(n: int) -> commands.Cog:
    class Feature(commands.Cog, name=f"listener{n}"):
        @commands.Cog.listener()
        async def on_message(self, message: Any) -> None:
            SEEN.get(message.id)

    return Feature()


def routed_cog(n: int) -> commands.Cog:
    class Feature(commands.Cog, name=f"routed{n}"):
        @on("message")
        async def message(self, message: Any) -> None:
            SEEN.get(message.id)

    return Feature()


class FakeMessage:
    def __init__(self, id: int) -> None:
        self.id = id


async def one_setup(make_bot: Callable[[], discord.Bot], make_cog: Callable[[int], commands.Cog], listeners: int,
                    events: int) -> tuple[float, float]:  # fmt: skip
    """CPU µs per event and tasks per event for one bot with `listeners` features."""
    bot = make_bot()
    for n in range(listeners):
        bot.add_cog(make_cog(n))
    loop = asyncio.get_running_loop()
    counter = Counter()
    loop.set_task_factory(counter)
    messages = [FakeMessage(n) for n in range(events)]
    started = time.process_time()
    for n, message in enumerate(messages, start=1):
        bot.dispatch("message", message)
        if n % 64 == 0:
            await asyncio.sleep(0)  # the gateway reader gives the loop back between frames
    while bot._tasks or (isinstance(bot, Routed) and len(bot.dispatcher.backlog)):
        await asyncio.sleep(0)
    if isinstance(bot, Routed):
        await bot.dispatcher.backlog.wait_empty()
    spent = time.process_time() - started
    loop.set_task_factory(None)
    await bot.close()
    return spent / events * 1e6, counter.tasks / events


async def micro(events: int, repeats: int = 3) -> list[tuple[int, float, float, float, float]]:
    """Per listener count: the best of `repeats` interleaved runs of each (the machine is shared)."""
    rows = []
    for listeners in LISTENERS:
        before, after = [], []
        for _ in range(repeats):
            before.append(await one_setup(discord.Bot, listener_cog, listeners, events))
            after.append(await one_setup(Routed, routed_cog, listeners, events))
        rows.append((listeners, *min(before), *min(after)))
    return rows


async def end_to_end(messages: int) -> tuple[int, int, int]:
    """(gateway events, py-cord handler tasks, all tasks) while the real bot handles chat and commands."""
    with tempfile.TemporaryDirectory() as tmp:
        async with running_bot(Path(tmp)) as h:
            admin = h.guild.member("boss", permissions=["manage_guild"])
            from loyalteez.services.access import brands

            brand = await brands.create_brand(h.app.store, "Bench Coffee")
            await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
            people = [h.guild.member(f"m{n}") for n in range(50)]
            general = h.guild.channel("general")
            await h.settle()
            counter = Counter()
            loop = asyncio.get_running_loop()
            seq_before = h.emu.gateway.session.seq if h.emu.gateway.session else 0
            loop.set_task_factory(counter)
            for n in range(messages):
                said = await people[n % 50].say(general, "gm" if n % 7 == 0 else f"message number {n}")
                if n % 4 == 0:
                    await people[(n + 1) % 50].react(said, "🎉")
                if n % 200 == 0:
                    await people[n % 50].slash("balance")
            await h.settle(timeout=60)
            loop.set_task_factory(None)
            seq_after = h.emu.gateway.session.seq if h.emu.gateway.session else 0
    return seq_after - seq_before, counter.handlers, counter.tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=positive(int), default=20_000)
    parser.add_argument("--messages", type=positive(int), default=2_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows = asyncio.run(micro(args.events))
    print(f"{args.events:,} message events dispatched, in one process (CPU per event; tasks started per event)\n")
    print(f"{'listeners':>9}  {'py-cord µs':>10} {'tasks':>6}  {'dispatcher µs':>13} {'tasks':>6}  {'ratio':>6}")
    for listeners, before_us, before_tasks, after_us, after_tasks in rows:
        print(
            f"{listeners:>9}  {before_us:>10.1f} {before_tasks:>6.2f}  {after_us:>13.1f} {after_tasks:>6.2f}  "
            f"{before_us / after_us:>5.1f}x"
        )
    span = LISTENERS[-1] - LISTENERS[0]
    slope_before = (rows[-1][1] - rows[0][1]) / span
    slope_after = (rows[-1][3] - rows[0][3]) / span
    print(f"\neach extra message listener: py-cord {slope_before:.1f} µs, dispatcher {slope_after:.1f} µs per message")
    events, handlers, tasks = asyncio.run(end_to_end(args.messages))
    print(
        f"\nthe real bot, {args.messages:,} messages with reactions and commands through the emulator: "
        f"{events:,} gateway events, {handlers / events:.2f} py-cord handler tasks per event "
        f"({tasks / events:.2f} tasks of any kind per event, the emulator's own included)"
    )
    publish(
        "dispatch",
        [
            ("µs per message, 3 listeners", f"{rows[2][3]:.1f}", f"py-cord listeners {rows[2][1]:.1f}"),
            ("tasks per message, 3 listeners", f"{rows[2][4]:.2f}", f"py-cord listeners {rows[2][2]:.2f}"),
            ("µs per extra listener", f"{slope_after:.1f}", f"py-cord listeners {slope_before:.1f}"),
            ("handler tasks per gateway event", f"{handlers / events:.2f}", "real bot, end to end"),
        ],
    )


if __name__ == "__main__":
    main()
