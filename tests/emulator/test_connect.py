"""The real py-cord client connects, identifies and builds its cache from the emulator's payloads."""

from __future__ import annotations

import aiohttp

from loyalteez.emulator import Emulator


async def test_ready_and_guild_create_fill_the_bot_cache(h, emu, guild, bot) -> None:
    vip = guild.create_role("VIP")
    alice = guild.member("alice", roles=[vip])
    await emu.settle()
    cached = bot.get_guild(guild.id)
    assert cached is not None and cached.name == "Test Server"
    assert {c.name for c in cached.channels} == {"general", "lounge", "afk"}
    assert cached.afk_channel is not None and cached.afk_channel.name == "afk"
    assert {r.name for r in cached.roles} >= {"@everyone", "Loyalteez", "VIP"}
    member = cached.get_member(alice.id)
    assert member is not None and [r.name for r in member.roles[1:]] == ["VIP"]
    assert bot.user.id == emu.world.bot.id
    assert bot.counts["ready"] == 1 and emu.gateway.identify_count == 1


async def test_command_sync_registers_string_ids(h, emu) -> None:
    puts = emu.requests_to("PUT", "/applications/{application_id}/commands")
    assert len(puts) == 1 and puts[0].status == 200
    names = {c.name for c in emu.world.commands.values()}
    assert {"hello", "echo", "config", "claim", "shop"} <= names
    assert all(isinstance(c["id"], str) for c in puts[0].response)


async def test_every_response_is_exact_json_and_unknown_routes_are_404(emu) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": "Bot emu-token"}) as session:
        async with session.get(emu.api_base_url + "/users/@me") as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert "X-RateLimit-Bucket" in resp.headers and "X-RateLimit-Remaining" in resp.headers
        async with session.get(emu.api_base_url + "/no/such/route") as resp:
            assert resp.status == 404
            assert resp.headers["Content-Type"] == "application/json"
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
        async with session.get(emu.api_base_url + "/channels/123/messages/456") as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 10003
    async with aiohttp.ClientSession() as session, session.get(emu.api_base_url + "/users/@me") as resp:
        assert resp.status == 401


async def test_emulator_runs_without_a_bot_and_stops_cleanly() -> None:
    emu = Emulator()
    await emu.start()
    port = emu.port
    assert emu.api_base_url == f"http://127.0.0.1:{port}/api/v10"
    await emu.stop()
    async with aiohttp.ClientSession() as session:
        try:
            await session.get(f"http://127.0.0.1:{port}/api/v10/gateway")
        except aiohttp.ClientConnectionError:
            pass
        else:
            raise AssertionError("the emulator still answers after stop()")
