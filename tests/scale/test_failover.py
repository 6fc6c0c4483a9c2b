"""One scheduler across processes: the leader is SIGKILLed mid-job and another process takes over.

Two real `python bot.py run` serve the two shards of four guilds of one brand on one PostgreSQL database.
The database was connected three days ago, so the leader's first scheduler run has three days of
snapshots and four daily reports to catch up. The leader is killed with SIGKILL in the middle of that run:
right after Discord created one of the reports but before the bot heard back (the emulator runs the kill
from inside the request), or while it is writing snapshots. The survivor must take the lease over within
30 s and finish the job: every server's snapshots, each report exactly once (the repeated post carries the
same nonce, and Discord answers it with the first message).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from loyalteez.emulator import Emulator
from loyalteez.emulator.rest import CapturedRequest
from tests.conftest import REPORT
from tests.reliability.crash_rig import BOT
from tests.scale.fleet import FleetBot, fetch, fleet, four_guilds, guilds, leader_pid, lease_row, prepare_brand

MESSAGES = "/channels/{channel_id}/messages"


async def failover(url: str, tmp_path: Path, lease: float, kill_at: str) -> float:
    """Run the fleet, kill the leader at `kill_at` ('report' or 'snapshots'); returns the takeover time (s)."""
    emu = four_guilds()
    await emu.start()
    bots: list[FleetBot] = []
    killed: dict[str, float] = {}
    blocker: asyncpg.Connection | None = None
    try:
        brand = await prepare_brand(url, emu)
        if kill_at == "snapshots":
            blocker = await _hold_the_last_snapshots(url, brand, [str(g.id) for g in guilds(emu)])
        reports = {g.channel("general").id for g in guilds(emu)}

        async def kill(pid: int | None) -> None:
            if killed or pid is None:
                return
            killed["at"] = time.time()
            os.kill(pid, signal.SIGKILL)
            killed["pid"] = pid

        async def in_report_post(record: CapturedRequest) -> None:
            posting = kill_at == "report" and record.method == "POST" and record.template == MESSAGES
            if posting and int(record.path.split("/")[2]) in reports:
                await kill(await leader_pid(url))

        emu.answered_hooks.append(in_report_post)
        bots = fleet(emu, url, tmp_path, lease)
        for bot in bots:
            await bot.start()
        if blocker is not None:
            await _kill_while_writing_snapshots(url, kill)
            await blocker.close()  # its rows roll back: the survivor writes them
        await _until(lambda: "pid" in killed, 60, "the leader was never caught mid-job")
        try:
            await _until_async(lambda: _reports_done(emu, reports), 40, "the reports were not all posted")
        except AssertionError as exc:
            posts = [(r.method, r.path, r.status) for r in list(emu.requests)[-40:]]
            raise AssertionError(f"{exc}; posts {posts}; lease {await lease_row(url)}; killed {killed}") from None
        row = await lease_row(url)
        assert row is not None and f"pid={killed['pid']} " not in row["holder"], "the survivor holds the lease"
        takeover = row["acquired_at"].timestamp() - killed["at"]
        assert 0 < takeover < 30, f"took over after {takeover:.1f}s"
        await _check_every_snapshot_and_report_once(url, emu, reports)
        survivor = next(b for b in bots if b.pid is not None)
        assert "runs the scheduler now" in survivor.log.read_text(), survivor.log_tail()
        info = await _db_info(url)  # the operator sees who runs the scheduler
        assert f"scheduler lease: {row['holder']}, until" in info and f"pid={survivor.pid} " in info, info
        assert await survivor.stop() == 0, survivor.log_tail()
        errors = [line for b in bots for line in b.log.read_text().splitlines() if " ERROR " in line]
        assert not errors, "\n".join(errors[:10])
        return takeover
    finally:
        if blocker is not None and not blocker.is_closed():
            await blocker.close()
        for bot in bots:
            await bot.kill()
        await emu.stop()


async def _db_info(url: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(BOT), "db", "info", env={**os.environ, "LOYALTEEZ_DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return out.decode()


async def _hold_the_last_snapshots(url: str, brand: str, servers: list[str]) -> asyncpg.Connection:
    """An open transaction holding every server's daily snapshot of yesterday, uncommitted: the leader writes a
    server's earlier days, then waits at that row, so it is surely killed mid-job however fast it writes."""
    conn = await asyncpg.connect(url)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    await conn.execute("BEGIN")
    for server in servers:
        await conn.execute(
            "INSERT INTO discord_kpi_snapshots (id, brand_id, server_id, snapshot_date, snapshot_type, metrics) "
            "VALUES (gen_random_uuid(), $1, $2, $3, 'daily', '{}')",
            brand, server, yesterday,
        )  # fmt: skip
    return conn


async def _kill_while_writing_snapshots(url: str, kill) -> None:  # type: ignore[no-untyped-def]
    """Kill the leader as soon as its first snapshots are in, before all four servers have theirs."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = await fetch(url, "SELECT COUNT(DISTINCT server_id) AS n FROM discord_kpi_snapshots")
        if rows[0]["n"] >= 1:
            assert rows[0]["n"] < 4, "the snapshots were all written before the kill: not mid-job"
            await kill(await leader_pid(url))
            return
        await asyncio.sleep(0.005)


async def _reports_done(emu: Emulator, reports: set[int]) -> bool:
    return all(_bot_posts(emu, channel) for channel in reports)


def _bot_posts(emu: Emulator, channel: int) -> list[object]:
    return [m for m in emu.sent_messages() if m.channel_id == channel]


async def _check_every_snapshot_and_report_once(url: str, emu: Emulator, reports: set[int]) -> None:
    for channel in reports:
        assert len(_bot_posts(emu, channel)) == 1, f"channel {channel} got {len(_bot_posts(emu, channel))} reports"
    today = datetime.now(UTC).date()
    servers = await fetch(url, "SELECT server_id, connected_at FROM discord_server_configs")
    assert len(servers) == 4
    for server in servers:
        days = {
            r["snapshot_date"]
            for r in await fetch(
                url,
                "SELECT snapshot_date FROM discord_kpi_snapshots WHERE server_id = $1 AND snapshot_type = 'daily'",
                server["server_id"],
            )
        }
        first = server["connected_at"].astimezone(UTC).date()
        expected = {first + timedelta(days=n) for n in range((today - first).days)}
        assert days == expected, f"server {server['server_id']}: snapshots {sorted(days)}, want {sorted(expected)}"
    sent = await fetch(url, "SELECT server_id, last_sent_at FROM discord_report_schedules")
    assert all(r["last_sent_at"] is not None for r in sent), "every schedule records its report as sent"


async def _until(predicate, timeout: float, why: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(why)
        await asyncio.sleep(0.05)


async def _until_async(predicate, timeout: float, why: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError(why)
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("kill_at", ["report", "snapshots"])
async def test_the_leader_killed_mid_job_is_replaced_and_nothing_is_missed_or_sent_twice(
    pg_database: str, tmp_path: Path, kill_at: str
) -> None:
    takeover = await failover(pg_database, tmp_path, lease=4.0, kill_at=kill_at)
    assert takeover < 4.0 + 4.0 / 3 + 1.5, "a lease and a third of a lease, plus start-up slack"
    REPORT[f"failover (4 s lease, killed in {kill_at})"] = f"survivor took over {takeover:.1f}s after SIGKILL"


@pytest.mark.slow
async def test_failover_with_the_default_lease(pg_database: str, tmp_path: Path) -> None:
    takeover = await failover(pg_database, tmp_path, lease=20.0, kill_at="report")
    assert takeover < 30
    REPORT["failover (20 s default lease)"] = f"survivor took over {takeover:.1f}s after SIGKILL"
