"""The manage pages in a real headless Chromium: a change made on the web pays in Discord at once, a drop
posted from the web is claimed in Discord, typed names never run, and a phone never scrolls sideways.

Screenshots go to build/screenshots/<test name>/ and are checked not to be blank.
"""

from __future__ import annotations

XSS = "<img src=x onerror=alert(1)>"


def _balance_earned(reply) -> str:
    return next(f["value"] for f in reply.embeds[0]["fields"] if f["name"] == "Earned")


async def _signed_in(web, page, member) -> None:
    web.sign_in_as(member)
    await page.goto(web.url + "/login")


async def test_an_event_edited_on_the_web_pays_the_new_amount_in_discord(
    web, connected, admin, alice, browser_page, shots
) -> None:
    page = browser_page
    await _signed_in(web, page, admin)
    await page.goto(f"{web.url}/s/{web.guild.id}/admin")
    await page.click("nav.admin >> text=Events")
    await shots("events")
    await page.click("table#events >> text=gm_checkin")
    assert await page.input_value("input[name=reward]") == "25"
    await page.fill("input[name=reward]", "77")
    await shots("edit")
    await page.click("button:has-text('Save')")
    assert "Saved" in await page.inner_text("#saved")
    assert "77" in await page.inner_text("table#events")

    await alice.say(web.guild.channel("general"), "gm everyone")
    await web.settle()
    assert _balance_earned(await alice.slash("balance")) == "77"

    await page.goto(f"{web.url}/s/{web.guild.id}/manage/events/gm_checkin")
    await page.fill("input[name=reward]", "0")
    await page.click("button:has-text('Save')")
    assert "reward" in await page.inner_text("#error")
    await shots("refused")


async def test_a_drop_posted_from_the_web_is_claimed_in_discord(
    web, connected, admin, alice, browser_page, shots
) -> None:
    await admin.slash("config events", {"action": "create", "name": "coffee_drop", "reward": 20, "trigger": "drop"})
    page = browser_page
    await _signed_in(web, page, admin)
    await page.goto(f"{web.url}/s/{web.guild.id}/manage/drops")
    await page.select_option("select[name=event]", "coffee_drop")
    await page.select_option("select[name=channel]", str(web.guild.channel("general").id))
    await page.fill("input[name=label]", "Grab coffee")
    await page.click("button:has-text('Post the drop')")
    assert "coffee_drop" in await page.inner_text("table#drops")
    await web.settle()
    posted = web.emu.sent_messages(web.guild.channel("general"))[-1]
    reply = await alice.click(posted, "Grab coffee")
    assert "20 LTZ" in reply.content
    await page.reload()
    assert "1" in await page.inner_text("table#drops td.num")
    await shots("drops")
    await page.click("table#drops >> button:has-text('End')")
    await web.settle()
    assert posted.buttons[0]["disabled"]


async def test_typed_names_never_run_on_the_manage_pages(web, connected, admin, browser_page, shots) -> None:
    page = browser_page
    await _signed_in(web, page, admin)
    await page.goto(f"{web.url}/s/{web.guild.id}/manage/events")
    await page.fill("#create-event input[name=name]", XSS)
    await page.fill("#create-event input[name=reward]", "5")
    await page.click("button:has-text('Create event')")
    assert await page.input_value("#create-event input[name=name]") == XSS  # shown back, as text
    await shots("event-name")
    assert await page.locator("main img").count() == 0

    await page.goto(f"{web.url}/s/{web.guild.id}/manage/goals")
    await page.fill("#create-goal input[name=name]", XSS)
    await page.fill("#create-goal input[name=target]", "10")
    await page.click("button:has-text('Create goal')")
    assert XSS in await page.inner_text("section.goal h3")
    await page.goto(f"{web.url}/s/{web.guild.id}/manage/perks")
    await page.fill("#create-perk input[name=name]", XSS)
    await page.fill("#create-perk input[name=cost]", "5")
    await page.fill("#create-perk input[name=description]", "<script>alert(2)</script>")
    await page.click("button:has-text('Create perk')")
    assert XSS in await page.inner_text("table#perks")
    await shots("perk-name")
    for path in ("manage/goals", "manage/perks", "manage/achievements", "goals"):
        await page.goto(f"{web.url}/s/{web.guild.id}/{path}")
        await page.wait_for_load_state("load")
        assert await page.locator("main img").count() == 0 and await page.locator("main script").count() == 0
    await shots("public-goals")
    assert page.dialogs == []


async def test_manage_pages_fit_a_phone(web, connected, admin, browser_page, shots) -> None:
    page = browser_page
    await page.set_viewport_size({"width": 375, "height": 740})
    await _signed_in(web, page, admin)
    for path in ("events", "events/quality_message", "drops", "achievements", "goals", "perks", "settings", "kpis"):
        await page.goto(f"{web.url}/s/{web.guild.id}/manage/{path}")
        widths = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"/manage/{path} scrolls sideways at 375 px: {widths}"
        await shots("phone-" + path.replace("/", "-"))
