"""The viewer pages in headless Chromium: KPI charts drawn, the audit CSV downloaded, names never run, and
every page fits a 375-px phone without scrolling sideways. Screenshots in build/screenshots/<test name>/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

XSS_NAME = "<img src=x onerror=alert(1)>"
VIEWER_PAGES = ("admin", "admin/kpis", "admin/segments", "admin/segments/power_users", "admin/stats?breakdown=users",
                "admin/audit", "admin/ledger")  # fmt: skip


async def _a_week_of_activity(web, admin, *members) -> None:
    """Targets first, so each midnight's snapshot is compared with them: daily actives alert (2 of 3)."""
    await admin.slash("kpi set", metric="daily_active_users", target="3", period="week")
    await admin.slash("kpi set", metric="weekly_active_users", target="2", period="week")
    general = web.guild.channel("general")
    for _ in range(6):
        for member in members:
            await member.say(general, "gm")
        await web.settle()
        web.harness.clock.advance(days=1)
    await web.settle()


async def _signed_in(web, page, member) -> None:
    web.sign_in_as(member)
    await page.goto(web.url + "/login")


async def test_kpi_dashboard_draws_every_chart(web, connected, admin, alice, browser_page, shots) -> None:
    evil = web.guild.member("mallory", nick=XSS_NAME)
    await _a_week_of_activity(web, admin, alice, evil)
    page = browser_page
    await _signed_in(web, page, admin)
    await page.goto(f"{web.url}/s/{web.guild.id}/admin")
    await page.click("nav.admin >> text=KPIs")
    assert await page.inner_text("h1") == "KPIs, last 30 days"
    await page.click("nav.windows >> text=7 days")
    assert await page.inner_text("h1") == "KPIs, last 7 days"
    cards = page.locator("section.kpi")
    assert await cards.count() >= 16 and await page.locator("section.kpi svg").count() == await cards.count()
    dau = page.locator("#kpi-daily_active_users")
    assert await dau.locator("polyline.series").count() == 1
    assert await dau.locator("line.target").count() == 1
    box = await dau.locator("svg").bounding_box()
    assert box and box["width"] > 200 and box["height"] > 60  # drawn at size, not collapsed
    assert "alerting" in await dau.locator("p.goal").inner_text()
    assert await dau.locator("p.goal strong").inner_text() == "3"
    assert "alerting" in (await dau.get_attribute("class") or "")
    assert "on track" in await page.locator("#kpi-weekly_active_users p.goal").inner_text()
    await shots("kpis-7")
    await page.click("nav.windows >> text=90 days")
    await shots("kpis-90")
    await page.click("nav.admin >> text=Segments")
    await page.click("text=Power users")
    assert XSS_NAME in await page.inner_text("#members")
    await shots("segment")
    assert await page.locator("main img").count() == 0 and page.dialogs == []


async def test_audit_log_downloads_its_csv(web, connected, admin, alice, browser_page, shots) -> None:
    await admin.slash("config events", action="create", name="bug_report", reward=100, trigger="none")
    for n in range(3):
        await admin.slash("reward", member=alice, event="bug_report", amount=10 + n, reason=f"=2+{n}")
        web.harness.clock.advance(minutes=5)
    page = browser_page
    await _signed_in(web, page, admin)
    await page.goto(f"{web.url}/s/{web.guild.id}/admin/audit")
    await page.select_option("select[name=type]", "rewards")
    await page.click("button:has-text('Filter')")
    assert "3 entries" in await page.inner_text("main")
    assert await page.locator("#audit tbody tr").count() == 3
    await shots("audit")
    async with page.expect_download() as waiting:
        await page.click("text=Download CSV")
    download = await waiting.value
    assert download.suggested_filename.startswith(f"loyalteez-audit-{web.guild.id}-")
    rows = list(csv.reader(io.StringIO(Path(await download.path()).read_text(encoding="utf-8"))))
    assert rows[0][3] == "action" and len(rows) == 4
    assert {r[3] for r in rows[1:]} == {"rewards.manual_reward"}
    assert all(r[4] == str(alice.id) for r in rows[1:])


async def test_audit_log_finds_a_member_by_name(web, connected, admin, alice, browser_page, shots) -> None:
    bob = web.guild.member("bob")
    await admin.slash("config events", action="create", name="bug_report", reward=100, trigger="none")
    for who in (alice, bob, bob):
        await admin.slash("reward", member=who, event="bug_report", amount=10)
    page = browser_page
    await _signed_in(web, page, admin)
    await page.goto(f"{web.url}/s/{web.guild.id}/admin/audit")
    await page.fill("input[name=member]", "Bob")
    await page.click("button:has-text('Filter')")
    assert "2 entries" in await page.inner_text("main")
    assert await page.locator("#audit tbody tr").count() == 2
    assert await page.input_value("input[name=member]") == "Bob"
    await shots("by-name")
    await page.fill("input[name=member]", "nobody-here")
    await page.click("button:has-text('Filter')")
    assert "no member of this server is called “nobody-here”" in await page.inner_text("main")


async def test_viewer_pages_fit_a_phone(web, connected, admin, alice, browser_page, shots) -> None:
    long_name = web.guild.member("averyveryverylongnamewithoutanyspacesatall_" * 2)
    await _a_week_of_activity(web, admin, alice, long_name)
    page = browser_page
    await page.set_viewport_size({"width": 375, "height": 740})
    await _signed_in(web, page, admin)
    for path in VIEWER_PAGES:
        await page.goto(f"{web.url}/s/{web.guild.id}/{path}")
        widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"/{path} scrolls sideways at 375 px: {widths}"
        await shots("phone-" + path.replace("/", "-").split("?")[0])
