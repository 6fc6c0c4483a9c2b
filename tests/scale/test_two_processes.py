"""Two real bot processes on one PostgreSQL serving four guilds of one brand (two shards each process).

- The brand's budget, shared by all four guilds, is paid exactly and never past, whichever process pays.
- Guilds move between processes: a third process joins with another shard layout (as during resharding,
  when Discord delivers a guild's events to both layouts' sessions), the first is SIGKILLed mid-chat, the
  second stops. Every message is counted once and paid once; none is lost (the catch-up fetches what was
  said while no process served a guild).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path

from loyalteez.emulator import MemberHandle
from loyalteez.services.rewards.admin_events import EventOptions
from tests.conftest import REPORT
from tests.scale.fleet import (
    CLAIMABLE,
    REWARD,
    FleetBot,
    fetch,
    fleet,
    four_guilds,
    guilds,
    prepare_brand,
    wait_serving,
)

BUDGET = 200
KEYWORD = "coffee"
KEYWORD_PAYS = EventOptions(reward=1, trigger="keyword", keywords=[KEYWORD], max_per_day=-1)


async def ready_to_answer(member: MemberHandle, timeout: float = 60.0) -> None:
    """Until the fleet has registered its commands and answers (start-up under load can take a while)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            await member.slash("help", reply_timeout=3)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_a_shared_brand_budget_is_paid_exactly_by_two_processes(pg_database: str, tmp_path: Path) -> None:
    emu = four_guilds()
    await emu.start()
    bots: list[FleetBot] = []
    try:
        await prepare_brand(pg_database, emu, days_ago=0, budget=BUDGET)
        bots = fleet(emu, pg_database, tmp_path, lease=4.0)
        for bot in bots:
            await bot.start()
        await wait_serving(emu, {0, 1})
        members = [g.member(f"m{n}") for g in guilds(emu) for n in range(8)]
        for guild in guilds(emu):
            await ready_to_answer(guild.member("m0"))
        replies = await asyncio.gather(*(m.slash("claim", event=CLAIMABLE, reply_timeout=15) for m in members))
        paid = [r for r in replies if "You earned" in r.content]
        refused = [r for r in replies if "budget is used up" in r.content]
        assert len(paid) == BUDGET // REWARD and len(refused) == len(members) - len(paid), [r.content for r in replies]
        by_guild = Counter(r.record.guild_id for r in paid)  # type: ignore[attr-defined]
        rows = await fetch(
            pg_database, "SELECT COALESCE(SUM(amount), 0) AS spent FROM loyalteez_reward_ledger WHERE is_test = false"
        )
        assert rows[0]["spent"] == BUDGET
        REPORT["two processes, one brand budget"] = (
            f"{len(members)} claims in 4 guilds: {len(paid)} paid ({BUDGET} LTZ of {BUDGET}), "
            f"{len(refused)} told the budget is used up; paid per guild {sorted(by_guild.values())}"
        )
        for bot in bots:
            assert await bot.stop() == 0, bot.log_tail()
    finally:
        for bot in bots:
            await bot.kill()
        await emu.stop()


async def test_guilds_moving_between_processes_are_never_paid_twice(pg_database: str, tmp_path: Path) -> None:
    emu = four_guilds()
    await emu.start()
    rng = random.Random(20)
    bots: list[FleetBot] = []
    try:
        await prepare_brand(pg_database, emu, days_ago=0, extra_event=(KEYWORD, KEYWORD_PAYS))
        first, second = fleet(emu, pg_database, tmp_path, lease=4.0)
        # The newcomer serves every guild as one shard: another layout, let in beside the two-shard one.
        newcomer = FleetBot(emu, tmp_path / "unused.db", tmp_path / "bot2.log", url=pg_database, lease=4.0)
        newcomer.extra_env = {"LOYALTEEZ_SHARD_COUNT": "1", "LOYALTEEZ_SHARD_IDS": "0"}
        bots = [first, second, newcomer]
        await first.start()
        await second.start()
        await wait_serving(emu, {0, 1})
        members = [(g.member(f"m{n}"), g.channel("general")) for g in guilds(emu) for n in range(4)]
        for guild in guilds(emu):
            await ready_to_answer(guild.member("m0"))
        posted = Counter[str]()

        async def chat(seconds: float) -> None:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                member, channel = rng.choice(members)
                await member.say(channel, f"{KEYWORD} time {rng.randint(0, 999)}")
                posted[str(member.id)] += 1
                await asyncio.sleep(rng.uniform(0.005, 0.02))

        await chat(1.0)
        await newcomer.start()
        chatting = asyncio.create_task(chat(6.0))
        await asyncio.sleep(2.0)  # the newcomer is up: both layouts receive the same guilds' messages
        await first.kill()  # mid-chat
        await asyncio.sleep(1.0)
        assert await second.stop() == 0, second.log_tail()
        await chatting
        await _until_counted(pg_database, sum(posted.values()), 60)
        counted = {
            r["discord_user_id"]: r["messages_count"]
            for r in await fetch(pg_database, "SELECT discord_user_id, messages_count FROM discord_user_stats")
        }
        assert {m: n for m, n in counted.items() if n} == dict(posted), "each message counted exactly once"
        paid = Counter(
            r["discord_user_id"]
            for r in await fetch(
                pg_database, "SELECT discord_user_id FROM loyalteez_reward_ledger WHERE event_type = $1", KEYWORD
            )
        )
        assert paid == posted, "each message paid exactly once"
        twice = await fetch(
            pg_database,
            "SELECT idempotency_key FROM loyalteez_reward_ledger GROUP BY server_id, idempotency_key "
            "HAVING COUNT(*) > 1",
        )
        assert not twice
        REPORT["guilds moving between processes"] = (
            f"{sum(posted.values())} messages in 4 guilds while a third process joined and the first was "
            f"SIGKILLed: each counted and paid once"
        )
        assert await newcomer.stop() == 0, newcomer.log_tail()
    finally:
        for bot in bots:
            await bot.kill()
        await emu.stop()


async def _until_counted(url: str, total: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await fetch(url, "SELECT COALESCE(SUM(messages_count), 0) AS n FROM discord_user_stats")
        if rows[0]["n"] >= total:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"only {rows[0]['n']} of {total} messages counted within {timeout}s")
