"""Several real `python bot.py run` processes on one PostgreSQL database, against the loopback Discord.

Each process serves some shards of one bot (LOYALTEEZ_SHARD_COUNT / LOYALTEEZ_SHARD_IDS) and competes for
the scheduler lease (LOYALTEEZ_LEADER_LEASE_SECONDS, short in tests). The database is prepared as
`/setup connect` and a few admin commands would leave it: four guilds of one brand, each with an admin
channel, a daily report into #general and a claimable event, connected some days ago (so the scheduler's
first run has snapshots and reports to catch up).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle
from loyalteez.emulator.harness import TOKEN
from loyalteez.services.access import brands
from loyalteez.services.container import build_services
from loyalteez.services.rewards.admin_events import EventOptions, create_event
from loyalteez.store import Store
from tests.reliability.crash_rig import BotProcess

SHARDS = 2
CLAIMABLE = "bonus"
REWARD = 10
GUILDS = (("Aroma", 0), ("Beans", 0), ("Crema", 1), ("Drip", 1))
_PID = re.compile(r"pid=(\d+)")


def four_guilds() -> Emulator:
    """Two guilds on each shard of two, as Discord routes them."""
    emu = Emulator(token=TOKEN)
    for name, shard in GUILDS:
        emu.create_guild(name, shard=(shard, SHARDS))
    return emu


def guilds(emu: Emulator) -> list[GuildHandle]:
    return [emu.guild(name) for name, _ in GUILDS]


async def prepare_brand(
    url: str,
    emu: Emulator,
    *,
    days_ago: int = 3,
    budget: int | None = None,
    extra_event: tuple[str, EventOptions] | None = None,
) -> str:
    """One brand, four connected guilds with a report schedule and a claimable event; returns the brand id."""
    clock = ManualClock(datetime.now(UTC) - timedelta(days=days_ago))
    store = await Store.open(url, clock)
    try:
        services = build_services(store, clock)
        brand = await brands.create_brand(store, "Fleet Coffee")
        for guild in guilds(emu):
            result = await services.setup.connect(
                server_id=str(guild.id),
                server_name=guild.name,
                brand_id=brand.brand_id,
                security_key=brand.security_key,
                actor_id=str(guild.owner.id),
            )
            assert result.ok, result.message
            data = store.scoped(result.scope)  # type: ignore[arg-type]
            await create_event(data, str(guild.owner.id), CLAIMABLE, EventOptions(reward=REWARD))
            if extra_event is not None:
                await create_event(data, str(guild.owner.id), *extra_event)
            admin = guild.create_text_channel("admins")
            async with data.rewards.transaction():
                await data.rewards.set_metadata({"admin_channel_id": str(admin.id)})
            await data.reports.save_schedule("daily", str(guild.channel("general").id), None)
        if budget is not None:
            await store.update_brand(brand.brand_id, {"ltz_budget": budget})
        await services.close()
        return brand.brand_id
    finally:
        await store.close()


@dataclass
class FleetBot(BotProcess):
    """One process of the fleet: its shards, the shared database, a short lease."""

    url: str = ""
    shard_ids: str = "0"
    lease: float = 4.0
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "LOYALTEEZ_DATABASE_URL": self.url,
            "LOYALTEEZ_SHARD_COUNT": str(SHARDS),
            "LOYALTEEZ_SHARD_IDS": self.shard_ids,
            "LOYALTEEZ_LEADER_LEASE_SECONDS": str(self.lease),
            "LOYALTEEZ_WEB": "off",
            "LOYALTEEZ_LOG_LEVEL": "INFO",
            **self.extra_env,
        }

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.returncode is None else None


def fleet(
    emu: Emulator, url: str, tmp_path: Path, lease: float, layout: tuple[str, ...] = ("0", "1")
) -> list[FleetBot]:
    return [
        FleetBot(emu, tmp_path / "unused.db", tmp_path / f"bot{n}.log", url=url, shard_ids=ids, lease=lease)
        for n, ids in enumerate(layout)
    ]


async def wait_serving(emu: Emulator, shards: set[int], timeout: float = 30.0) -> None:
    """Until a live gateway session holds each of these shards."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live = {
            key[0] for key, s in emu.gateway.sessions.items() if s.connection is not None and not s.connection.closed
        }
        if shards <= live:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"shards {sorted(shards)} not served within {timeout}s")


async def lease_row(url: str) -> asyncpg.Record | None:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchrow(
            "SELECT holder, acquired_at, expires_at FROM loyalteez_leases WHERE name = 'scheduler'"
        )
    finally:
        await conn.close()


async def leader_pid(url: str) -> int | None:
    row = await lease_row(url)
    found = _PID.search(row["holder"]) if row is not None else None
    return int(found.group(1)) if found else None


async def fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()
