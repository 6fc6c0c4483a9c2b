"""The dashboard lives and dies with the bot: same process and loop, stopped by App.close, optional."""

from __future__ import annotations

import logging
import socket

import aiohttp
import pytest

from loyalteez.emulator.harness import app_factory, running_bot
from loyalteez.web.settings import WebSettings
from tests.web.conftest import web_factory


async def test_app_close_stops_the_dashboard(tmp_path, clock) -> None:
    async with running_bot(tmp_path, clock=clock, app_factory=web_factory()) as h:
        url = h.app.web.url
        async with aiohttp.ClientSession() as http, http.get(url + "/healthz") as response:
            assert response.status == 200
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(url + "/healthz")


async def test_settings_built_by_hand_serve_no_dashboard(tmp_path, clock) -> None:
    async with running_bot(tmp_path, clock=clock) as h:
        assert h.app.web is None


async def test_a_busy_port_is_one_warning_and_the_bot_runs_on(tmp_path, clock, caplog) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        with caplog.at_level(logging.WARNING, logger="loyalteez.app"):
            factory = app_factory(web=WebSettings(enabled=True, port=port))
            async with running_bot(tmp_path, clock=clock, app_factory=factory) as h:
                reply = await h.guild.member("alice").slash("balance")
                assert reply.content or reply.embeds  # the bot answers Discord without its dashboard
    finally:
        taken.close()
    warnings = [r.getMessage() for r in caplog.records if r.name == "loyalteez.app"]
    assert warnings == [
        f"The dashboard cannot listen on 127.0.0.1:{port} (Address already in use), so the bot runs without it: "
        "set LOYALTEEZ_WEB_PORT to a free port, or LOYALTEEZ_WEB=off."
    ]
