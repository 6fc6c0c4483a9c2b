"""py-cord's sharded client against the loopback Discord: each shard its own session, guilds routed as Discord does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator
from loyalteez.emulator.gateway_routing import shard_of
from loyalteez.emulator.harness import TOKEN, app_factory, running_bot
from loyalteez.emulator.snowflake import DISCORD_EPOCH_MS
from loyalteez.process_settings import ProcessSettings

SHARDS = 2


def four_guilds() -> Emulator:
    """Two guilds on each of two shards; the harness's own "Test Server" is one of shard 0's."""
    emu = Emulator(token=TOKEN)
    for name, shard in (("Test Server", 0), ("Beans", 0), ("Crema", 1), ("Drip", 1)):
        emu.create_guild(name, shard=(shard, SHARDS))
    return emu


async def test_one_process_serving_every_shard_answers_in_every_guild(tmp_path: Path) -> None:
    emu = four_guilds()
    factory = app_factory(processes=ProcessSettings(shard_count=SHARDS))
    async with running_bot(tmp_path, emulator=emu, app_factory=factory) as h:
        assert set(emu.gateway.sessions) == {(0, SHARDS), (1, SHARDS)}
        assert h.bot.shard_count == SHARDS and len(h.bot.guilds) == 4
        for guild in emu.world.guilds.values():
            shard = h.bot.get_guild(guild.id).shard_id
            assert shard == shard_of(guild.id, SHARDS) == (guild.id >> 22) % SHARDS
            reply = await h.emu.guild(guild.name).member("alice").slash("help")
            assert "/balance" in reply.text


async def test_a_process_serving_one_shard_sees_only_that_shards_guilds(tmp_path: Path) -> None:
    emu = four_guilds()
    factory = app_factory(processes=ProcessSettings(shard_count=SHARDS, shard_ids=(1,)))
    async with running_bot(tmp_path, emulator=emu, app_factory=factory) as h:
        assert set(emu.gateway.sessions) == {(1, SHARDS)}
        assert sorted(g.name for g in h.bot.guilds) == ["Crema", "Drip"]
        reply = await emu.guild("Drip").member("alice").slash("help")
        assert "/balance" in reply.text
        try:
            await emu.guild("Beans").member("alice").slash("help", reply_timeout=1)
        except AssertionError as exc:
            assert "not connected" in str(exc)  # no process serves shard 0: Discord would deliver it nowhere
        else:
            raise AssertionError("a guild of shard 0 reached the process serving shard 1")


async def identify(emu: Emulator, shard: object) -> tuple[int | None, list[dict[str, object]]]:
    """A raw IDENTIFY with `shard`; returns the close code (None: still open) and the dispatches read."""
    import asyncio
    import json

    import aiohttp

    seen: list[dict[str, object]] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(emu.gateway_url) as ws:
        await ws.receive_json()  # HELLO
        await ws.send_str(json.dumps({"op": 2, "d": {"token": TOKEN, "intents": 513, "shard": shard}}))
        while True:
            try:
                msg = await asyncio.wait_for(ws.receive(), 0.5)
            except TimeoutError:
                return None, seen
            if msg.type is not aiohttp.WSMsgType.TEXT:
                return ws.close_code, seen
            seen.append(json.loads(msg.data))


async def test_identify_names_its_shard_and_gets_only_its_guilds() -> None:
    emu = four_guilds()
    await emu.start()
    try:
        code, frames = await identify(emu, [1, SHARDS])
        assert code is None
        ready = next(f["d"] for f in frames if f.get("t") == "READY")
        assert ready["shard"] == [1, SHARDS]  # type: ignore[index]
        created = sorted(f["d"]["name"] for f in frames if f.get("t") == "GUILD_CREATE")  # type: ignore[index]
        assert created == ["Crema", "Drip"]
        for bad in ([2, SHARDS], [0, 0], [-1, 2], "0,2", [0]):
            code, _ = await identify(emu, bad)
            assert code == 4010, f"shard {bad!r} was accepted"
    finally:
        await emu.stop()


def test_guilds_placed_on_shards_never_share_an_id() -> None:
    """Moving an id onto a shard moves it a millisecond or so ahead: the ids made in that millisecond later
    must not repeat it (they did, and the later guild replaced the first in the emulator)."""
    clock = ManualClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    emu = Emulator(token=TOKEN, clock=clock)
    clock.advance(timedelta(milliseconds=1))
    first_of_this_ms = (int(clock.now().timestamp() * 1000) - DISCORD_EPOCH_MS) << 22 | 1 << 17
    moved = emu.create_guild("moved", shard=(1 - shard_of(first_of_this_ms, 2), 2))
    clock.advance(timedelta(milliseconds=1))
    later = emu.create_guild("later")
    assert moved.id != later.id and len(emu.world.guilds) == 2
