"""`python bot.py --demo --web`: the week is played, then the dashboard serves data/demo.db with a one-time
admin link, until Ctrl+C. Its KPI page in Chromium is the README's screenshot.

LOYALTEEZ_REFRESH_SCREENSHOTS=1 copies the screenshot to docs/screenshots/ (commit it with the change).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
import time

import pytest

from tests.conftest import PROJECT_ROOT
from tests.web.conftest import assert_not_blank

README_SHOT = PROJECT_ROOT / "docs" / "screenshots" / "dashboard-kpis.png"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _line_with(stream: asyncio.StreamReader, seen: list[str], marker: str) -> None:
    while not any(marker in line for line in seen):
        line = (await asyncio.wait_for(stream.readline(), 60)).decode()
        assert line, "the demo ended before it printed: " + marker + "\n" + "".join(seen)
        seen.append(line)


@pytest.mark.slow  # the whole demo week first (about 25 s)
async def test_demo_serves_its_dashboard_with_a_one_time_admin_link(tmp_path, browser_page, shots) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALTEEZ_", "DISCORD_"))}
    env["LOYALTEEZ_WEB_PORT"] = str(port)
    demo = await asyncio.create_subprocess_exec(
        sys.executable, str(PROJECT_ROOT / "bot.py"), "--demo", "--web",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert demo.stdout is not None
        seen: list[str] = []
        await _line_with(demo.stdout, seen, "Serving the dashboard until Ctrl+C.")
        dashboard = next(line.split()[1] for line in seen if line.startswith("Dashboard: "))
        link = next(line.strip() for line in seen if "/login/link/" in line)
        assert dashboard.startswith(f"http://127.0.0.1:{port}/s/") and link.startswith(f"http://127.0.0.1:{port}/")
        assert any("Works once" in line for line in seen)
        assert (tmp_path / "data" / "demo.db").exists()

        page = browser_page
        await page.set_viewport_size({"width": 1100, "height": 800})
        await page.goto(link)
        await page.click("button:has-text('Sign in')")
        await page.goto(dashboard + "?days=7")
        assert await page.inner_text("h1") == "KPIs, last 7 days"
        assert await page.locator("section.kpi polyline.series").count() >= 10  # a week of snapshots drawn
        shot = await shots("kpis")
        if os.environ.get("LOYALTEEZ_REFRESH_SCREENSHOTS"):
            README_SHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, README_SHOT)
        await page.goto(link)  # the link worked once
        await page.click("button:has-text('Sign in')")
        assert "unknown, used already or expired" in await page.inner_text("main")

        demo.send_signal(signal.SIGINT)
        stopped = time.monotonic()
        assert await asyncio.wait_for(demo.wait(), 30) == 0
        assert time.monotonic() - stopped < 15
    finally:
        if demo.returncode is None:
            demo.kill()
            await demo.wait()


def test_the_readme_screenshot_is_a_real_picture() -> None:
    assert README_SHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert_not_blank(README_SHOT)
    assert "docs/screenshots/dashboard-kpis.png" in (PROJECT_ROOT / "README.md").read_text().split("\n## ")[0]


def _demo_web(tmp_path, **env: str):
    import subprocess

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALTEEZ_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), "--demo", "--web"],
        cwd=tmp_path, env={**clean, **env}, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


def test_a_bad_or_busy_port_stops_the_demo_at_once(tmp_path) -> None:
    result = _demo_web(tmp_path, LOYALTEEZ_WEB_PORT="http")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().endswith("LOYALTEEZ_WEB_PORT must be a port number from 1 to 65535, not 'http'")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = _demo_web(tmp_path, LOYALTEEZ_WEB_PORT=str(port))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().startswith(f"Error: the dashboard cannot listen on 127.0.0.1:{port} (")
    assert not (tmp_path / "data").exists()  # the week was not played
