"""Load: 500 simulated members chatting, reacting, claiming a drop and running commands, through the emulator.

Run: .venv/bin/python bench/load.py [--seconds 60] [--members 500] [--rate 1.0]
     .venv/bin/python bench/load.py --sweep [--seconds 20]     (find the saturation point, then load it 2x)
     add --zlib-stream for the gateway compressed as Discord sends it to py-cord (the emulator otherwise
     sends text frames: the same events, without zlib's cost on either side)

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

CPU: the bot's own CPU time (from /proc while it runs) and this process's (the emulator and the simulated
members) over the same wall time, as a share of one core: the two share the machine's cores, so a figure
near 100 % says which of them saturated first. The bot's event loop (its main thread, which runs every
handler under the GIL; the database threads add to the process's figure) is shown apart, with its CPU during
the load per event sent then. Below the saturation point, where the bot keeps up, that is its cost per event:
steadier from run to run than the lag, and the figure to compare two versions of the bot by. Past it, work
left for after the load makes the figure too low.

`--sweep` runs the load at rising rates (a fresh bot and database each) until the bot no longer keeps up:
the saturation point is the highest rate of events it handled with no failed interaction and everything
counted within 2 s of the load stopping. Then it offers twice that rate and reports failed interactions
and, for /claim and the drop button, how many claims were paid against how many paying answers Discord
had by the end (they must be equal: a paid claim is always answered). An answer a member gave up waiting
for (10 s) is still an answer, as Discord shows a late follow-up; it counts as a failed interaction, and
the table shows how many came that late.

The members are played by _load_members.py; what a run measured is printed by _load_report.py.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._args import positive, rising_rates
from bench._load_members import Load
from bench._load_report import ACK_DEADLINE, SWEEP_HEADER, Outcome, print_table, sweep_row
from bench._results import publish
from loyalteez import collector
from loyalteez.emulator import Emulator, GuildHandle
from loyalteez.emulator.harness import TOKEN
from loyalteez.emulator.interactions import InteractionRecord
from loyalteez.emulator.state import Message
from loyalteez.services.rewards.check import check_ledger
from loyalteez.store import Store
from tests.reliability.crash_rig import BotProcess, prepare_database


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
    # This process stands in for Discord, whose collector is none of the bot's cost: it collects like the bot
    # (collector.py), else its full collections walk the growing world and stall the gateway for 0.5-1 s.
    collector.settle_for_serving()
    return next(m for m in reversed(emu.sent_messages(guild.channel("general"))) if m.buttons)


def read(db: Path, sql: str) -> list[tuple[Any, ...]]:
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


def paying_answers(records: list[InteractionRecord], drop: Message) -> tuple[int, int]:
    """(/claim, drop click) answers that told the member they were paid, whenever they came: a member stops
    waiting after 10 s (a failed interaction), Discord shows a later follow-up all the same."""
    claims = drops = 0
    for record in records:
        said = [m.content for m in (record.original, *record.followups) if m is not None and not m.loading]
        if record.label.startswith("/claim"):
            claims += any("You earned" in text for text in said)
        elif record.source_message is not None and record.source_message.id == drop.id:
            drops += any("LTZ" in text for text in said)
    return claims, drops


def lost_or_doubled(db: Path, load: Load, paid: tuple[int, int], answered: tuple[int, int]) -> list[str]:
    """What went missing or was counted twice; `paid` and `answered`: (/claim, drop click) ledger rows and
    paying answers."""
    stats = {
        int(m): (msgs, reacts)
        for m, msgs, reacts in read(
            db, "SELECT discord_user_id, messages_count, reactions_count FROM discord_user_stats"
        )
    }
    (bonus, drops), (claims_answered, drops_answered) = paid, answered
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
    if bonus != claims_answered:
        problems.append(f"/claim: {claims_answered} paying answers but {bonus} ledger rows")
    if drops != drops_answered:
        problems.append(f"drop: {drops_answered} paying answers but {drops} claims recorded")
    if twice:
        problems.append(f"{twice} idempotency keys paid twice")
    return problems


class QuietBot(BotProcess):
    """The bot without its dashboard: the benchmark measures Discord traffic (and port 8080 may be taken)."""

    def env(self) -> dict[str, str]:
        return {**super().env(), "LOYALTEEZ_WEB": "off"}

    def cpu_seconds(self, *, event_loop_only: bool = False) -> float:
        """User + system CPU the running bot process (or its main thread, which runs the event loop) has used
        so far."""
        if self.proc is None or self.proc.returncode is not None:
            return 0.0
        pid = self.proc.pid
        stat = Path(f"/proc/{pid}/task/{pid}/stat" if event_loop_only else f"/proc/{pid}/stat")
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(seconds: float, members: int, rate: float, compressed: bool = False) -> Outcome:
    emu = Emulator(token=TOKEN, gateway_compression=compressed)
    await emu.start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        bot = QuietBot(emu, db, Path(tmp) / "bot.log")
        try:
            guild = emu.create_guild("Load Server")
            channels = [guild.channel("general")] + [guild.create_text_channel(f"chat-{n}") for n in range(3)]
            people = [guild.member(f"member{n:03d}") for n in range(members)]
            await prepare_database(db, guild, guild.owner)
            drop_message = await start_and_drop(emu, guild, bot)
            load = Load(people, channels, seconds, rate)
            setup_interactions = len(emu.interactions)
            cpu_before, mine_before = bot.cpu_seconds(), time.process_time()
            loop_before = bot.cpu_seconds(event_loop_only=True)
            started = time.perf_counter()
            await load.run(drop_message)
            offered = time.perf_counter() - started
            bot_cpu, emulator_cpu = bot.cpu_seconds() - cpu_before, time.process_time() - mine_before
            loop_cpu = bot.cpu_seconds(event_loop_only=True) - loop_before
            caught_up = await drained(db, load, 120)
            acks = [
                r.acknowledged - r.created if r.acknowledged is not None else None
                for r in list(emu.interactions)[setup_interactions:]
            ]
            handled = time.perf_counter() - started
            await asyncio.sleep(0.3)
            await bot.stop(timeout=60)
        except BaseException:
            await bot.kill()
            print(bot.log_tail(), file=sys.stderr)
            raise
        finally:
            await emu.stop()
        claims_answered, drops_answered = paying_answers(list(emu.interactions)[setup_interactions:], drop_message)
        claims_paid = read(db, "SELECT COUNT(*) FROM loyalteez_reward_ledger WHERE event_type = 'bonus'")[0][0]
        drops_paid = read(db, "SELECT COUNT(*) FROM discord_drop_claims")[0][0]
        problems = lost_or_doubled(db, load, (claims_paid, drops_paid), (claims_answered, drops_answered))
        if not caught_up:
            problems.append("the bot did not catch up within 120 s")
        store = await Store.open(str(db))
        try:
            report = await check_ledger(store)
        finally:
            await store.close()
        if not report.ok:
            problems.append(f"stats differ from the ledger for {len(report.drifts)} member(s)")
        errors = [line for line in bot.log.read_text().splitlines() if " ERROR " in line]
    return Outcome(
        load, members, rate, offered, handled, caught_up, problems, errors, bot_cpu, loop_cpu, emulator_cpu,
        claims_paid, drops_paid, claims_answered, drops_answered, acks,
    )  # fmt: skip


async def sweep(seconds: float, members: int, rates: list[float], compressed: bool = False) -> int:
    """Rising rates until the bot no longer keeps up; then twice the saturation point."""
    print(f"{members} members, {seconds:.0f} s per step; rate 1 is about 300 events/s\n")
    print(SWEEP_HEADER, flush=True)
    best: Outcome | None = None
    for rate in rates:
        out = await run(seconds, members, rate, compressed)
        print(sweep_row(out), flush=True)
        if not out.kept_up():
            break
        best = out
    if best is None:
        print("\nthe bot did not keep up even at the lowest rate")
        return 1
    double = await run(seconds, members, best.rate * 2, compressed)
    print(sweep_row(double) + "   <- twice the saturation rate")
    unanswered = (double.claims_paid - double.claims_answered) + (double.drops_paid - double.drops_answered)
    print(
        f"\nsaturation: {best.handled_rate:,.0f} events/s (rate {best.rate:g}); at twice that rate: "
        f"{double.failed} failed interactions, {double.late_acks()} acknowledged after {ACK_DEADLINE:.0f} s, "
        f"{unanswered} paid claims without a paying answer, "
        f"{len(double.problems)} lost or doubled, events counted {double.lag:.1f} s after the load stopped"
    )
    publish(
        "load",
        [
            ("saturation", f"{best.handled_rate:,.0f} events/s", f"rate {best.rate:g}, bot CPU "
             f"{best.bot_cpu / best.offered:.0%}, emulator CPU {best.emulator_cpu / best.offered:.0%}"),
            ("failed interactions at 2x", str(double.failed), "0"),
            ("acknowledged late at 2x", str(double.late_acks()), f"0 (p99 {double.ack_ms(99):.0f} ms)"),
            ("paid claims unanswered at 2x", str(unanswered), "0"),
        ],
    )  # fmt: skip
    return 1 if double.failed or unanswered or double.problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=positive(float), default=None, help="load per run (default 60, 20 per sweep step)"
    )
    parser.add_argument("--members", type=positive(int), default=500)
    parser.add_argument("--rate", type=positive(float), default=1.0, help="scale chat and reaction rates")
    parser.add_argument("--sweep", action="store_true", help="find the saturation point, then offer twice it")
    parser.add_argument(
        "--zlib-stream",
        action="store_true",
        help="compress the gateway as Discord does for py-cord (the bot then inflates every frame)",
    )
    parser.add_argument(
        "--rates",
        type=rising_rates,
        default="2,4,6,8,10,12,14,16,18,20,22,24",
        help="the sweep's rates, rising (comma-separated); steps of 2 near the saturation point tell it within 10 %%",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.sweep:
        sys.exit(asyncio.run(sweep(args.seconds or 20.0, args.members, args.rates, args.zlib_stream)))
    outcome = asyncio.run(run(args.seconds or 60.0, args.members, args.rate, args.zlib_stream))
    sys.exit(print_table(outcome))


if __name__ == "__main__":
    main()
