"""The member page over plain HTTP: the reward history pages through the ledger, newest first."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import PROJECT_ROOT
from tests.web.pages import fetch, sign_in

ROW = re.compile(r"<tr><td>(\d{4}-\d\d-\d\d) \d\d:\d\d</td><td class=\"name\">(\w+)</td>")


async def test_reward_history_is_paged_newest_first(web, connected, alice, client) -> None:
    general = web.guild.channel("general")
    for _ in range(23):  # one gm a day pays 25 each day
        await alice.say(general, "gm")
        await web.settle()
        web.harness.clock.advance(days=1)
    await sign_in(client, web, alice)
    status, first = await fetch(client, f"{web.url}/s/{web.guild.id}/me")
    assert status == 200
    rows = ROW.findall(first)
    assert len(rows) == 20
    assert rows[0][0] == "2026-03-24" and rows[-1][0] == "2026-03-05"
    assert "page 1/2" in first
    _, second = await fetch(client, f"{web.url}/s/{web.guild.id}/me?page=2")
    assert [day for day, _ in ROW.findall(second)] == ["2026-03-04", "2026-03-03", "2026-03-02"]
    _, past_the_end = await fetch(client, f"{web.url}/s/{web.guild.id}/me?page=99")
    assert "page 2/2" in past_the_end


def test_web_login_for_a_server_not_connected_is_one_sentence(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "bot.py", "web-login", "--server", "123456789012345678"],
        cwd=PROJECT_ROOT,
        env={"PATH": "/usr/bin:/bin", "LOYALTEEZ_DB": str(tmp_path / "bot.db")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: server 123456789012345678 is not connected to a brand: run /setup connect there first"
    )
    assert result.stdout == ""
