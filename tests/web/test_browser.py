"""The dashboard in a real headless Chromium: sign-in, the pages members see, escaping, and a phone screen.

Each test writes screenshots to build/screenshots/<test name>/ and checks they are not blank.
"""

from __future__ import annotations

import os
import subprocess
import sys

from loyalteez.web import texts
from tests.conftest import PROJECT_ROOT

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_GOAL = "<script>alert(2)</script>"


async def _earn(web, member, times: int = 1) -> None:
    general = web.guild.channel("general")
    for n in range(times):
        await member.say(general, f"gm, and a longer message number {n} to make it count")
        web.harness.clock.advance(minutes=61)
    await web.settle()


async def test_oauth_sign_in_through_the_emulator(web, connected, alice, browser_page, shots) -> None:
    page = browser_page
    web.sign_in_as(alice)
    await page.goto(web.url + "/")
    await shots("signed-out")
    await page.click("text=Sign in with Discord")
    await page.wait_for_url(web.url + "/")
    assert await page.inner_text(".who") == "alice"
    assert await page.inner_text("ul.servers") == "Test Server"
    await shots("servers")
    await page.click("text=Test Server")
    await page.click("nav.server >> text=My rewards")
    assert await page.inner_text("h1") == "alice"
    authorize = web.emu.oauth.authorized[-1]
    assert authorize["scope"] == "identify guilds" and authorize["state"]


async def test_web_login_link_from_the_command_line_works_once(web, connected, browser_page, shots) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOYALTEEZ_", "DISCORD_"))}
    env.update(LOYALTEEZ_DB=str(web.harness.db_path), LOYALTEEZ_WEB_PUBLIC_URL=web.url)
    printed = subprocess.run(
        [sys.executable, "bot.py", "web-login", "--server", str(web.guild.id)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    link = printed.stdout.splitlines()[0]
    assert link.startswith(web.url + "/login/link/")
    assert "Works once" in printed.stdout

    page = browser_page
    await page.goto(link)
    await shots("confirm")
    await page.click("button:has-text('Sign in')")
    await page.wait_for_url(f"{web.url}/s/{web.guild.id}/")
    await page.click("text=Admin (full_admin)")
    assert await page.inner_text("#level") == "full_admin"
    await shots("admin")

    await page.click("button:has-text('Sign out')")
    await page.goto(link)
    await page.click("button:has-text('Sign in')")
    assert texts.LINK_INVALID in await page.inner_text("main")
    await shots("used-again")


async def test_public_leaderboard_pages_like_the_command(web, connected, admin, browser_page, shots) -> None:
    members = [web.guild.member(f"member{n:02}") for n in range(12)]
    for n, member in enumerate(members):
        await _earn(web, member, times=1 + n % 3)
    await admin.slash("config web", public=True)
    page = browser_page
    await page.goto(f"{web.url}/s/{web.guild.id}/leaderboard")
    assert await page.inner_text("h1") == "LTZ earned, all time"
    assert await page.locator("table.board tbody tr").count() == 10
    assert "page 1/2" in await page.inner_text(".pager")
    await shots("page-1")
    await page.click("text=Next ▶")
    assert "page 2/2" in await page.inner_text(".pager")
    assert await page.locator("table.board tbody tr").count() == 2
    await page.select_option("select[name=type]", "activity")
    await page.select_option("select[name=period]", "week")
    await page.click("button:has-text('Show')")
    assert await page.inner_text("h1") == "Activity (messages + reactions), this week"
    await shots("activity-week")


async def test_member_page(web, connected, admin, alice, browser_page, shots) -> None:
    await admin.slash("achievement create", name="Chatty", type="message_count", threshold=10, reward=50)
    await admin.slash("goal create", name="Launch party", type="custom", target=100)
    await admin.slash("goal progress", name="Launch party", amount=40)
    await _earn(web, alice, times=3)
    await alice.slash("daily")
    await admin.slash("perk create", name="Coffee <b>mug</b>", cost=30)
    bought = await alice.slash("perk-buy", perk="Coffee <b>mug</b>")
    assert "30" in bought.content, bought.content
    web.sign_in_as(alice)
    page = browser_page
    await page.goto(web.url + "/login")
    await page.goto(f"{web.url}/s/{web.guild.id}/me")
    available = int((await page.inner_text("#available")).replace(",", ""))
    assert available > 0
    assert await page.inner_text("#rank") == "#1 of 1"
    assert await page.inner_text("#streak") == "1 day"
    assert "3 / 10" in await page.inner_text("section.achievement")
    assert await page.inner_text("#perks tbody td.name") == "Coffee <b>mug</b>"
    history = await page.inner_text("#history")
    assert await page.locator("#history tbody tr").count() == 2
    assert "daily_checkin\t20" in history and "2026-03-02" in history
    await shots("member")
    await page.click("nav.server >> text=Goals")
    assert "40 of 100 (40%)" in await page.inner_text("section.goal")
    await shots("goals")


async def test_member_supplied_names_never_run(web, connected, admin, browser_page, shots) -> None:
    evil = web.guild.member("mallory", nick=XSS_NAME)
    await _earn(web, evil)
    await admin.slash("goal create", name=XSS_GOAL, type="custom", target=10)
    await admin.slash("config web", public=True)
    page = browser_page
    for path in ("leaderboard", "goals"):
        await page.goto(f"{web.url}/s/{web.guild.id}/{path}")
        await page.wait_for_load_state("load")
        await shots(path)
    await page.goto(f"{web.url}/s/{web.guild.id}/leaderboard")
    assert XSS_NAME in await page.inner_text("table.board")
    assert await page.locator("img").count() == 0
    await page.goto(f"{web.url}/s/{web.guild.id}/goals")
    assert XSS_GOAL in await page.inner_text("section.goal h2")
    assert await page.locator("main script").count() == 0
    web.sign_in_as(evil)
    await page.goto(web.url + "/login")
    await page.goto(f"{web.url}/s/{web.guild.id}/me")
    assert await page.inner_text("h1") == XSS_NAME
    await shots("member")
    assert page.dialogs == []


async def test_other_servers_are_404_and_admin_pages_403(web, connected, alice, browser_page, shots) -> None:
    other = web.emu.create_guild("Hidden Server", owner="hana")
    await web.settle()
    web.sign_in_as(alice)
    page = browser_page
    await page.goto(web.url + "/login")
    response = await page.goto(f"{web.url}/s/{other.id}/leaderboard")
    assert response.status == 404
    assert texts.NOT_FOUND in await page.inner_text("main")
    await shots("not-found")
    response = await page.goto(f"{web.url}/s/{web.guild.id}/admin")
    assert response.status == 403
    assert "You need the viewer admin level for that." in await page.inner_text("main")
    await shots("forbidden")


async def test_phone_layout_never_scrolls_sideways(web, connected, admin, browser_page, shots) -> None:
    long_name = web.guild.member("averyveryverylongnamewithoutanyspacesatall_" * 2)
    await _earn(web, long_name, times=2)
    await admin.slash("goal create", name="A goal with a rather long name for a phone", type="custom", target=10)
    await admin.slash("config web", public=True)
    page = browser_page
    await page.set_viewport_size({"width": 375, "height": 740})
    web.sign_in_as(long_name)
    await page.goto(web.url + "/login")
    for path in ("", "leaderboard", "goals", "me"):
        await page.goto(f"{web.url}/s/{web.guild.id}/{path}")
        widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"/{path} scrolls sideways at 375 px: {widths}"
        await shots(f"phone-{path or 'server'}")
