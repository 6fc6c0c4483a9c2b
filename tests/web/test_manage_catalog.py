"""Achievements, goals (event managers) and perks (perk managers) on the web: the slash commands' services,
their refusals in one sentence with nothing changed, their audit rows with `source: web`, and the rule that
a perk never sells a role with more power than the signed-in seller may give."""

from __future__ import annotations

from html import unescape

from loyalteez.services.perks import texts as perk_texts
from tests.web.manage import assert_web_audit, audit_rows, post, second_server
from tests.web.pages import fetch, sign_in

XSS = "<img src=x onerror=alert(1)>"


def _page(web, name: str) -> str:
    return f"/s/{web.guild.id}/manage/{name}"


async def test_achievements_created_edited_and_toggled(web, connected, admin, client) -> None:
    await sign_in(client, web, admin)
    page = _page(web, "achievements")
    status, _ = await post(client, web, page + "/create", {
        "name": "Chatty", "type": "message_count", "threshold": "10", "reward": "50", "description": "Talk!",
    }, form_page=page)  # fmt: skip
    assert status == 303
    status, _ = await post(client, web, page + "/edit", {"name": "Chatty", "reward": "75"}, form_page=page)
    assert status == 303
    status, _ = await post(client, web, page + "/toggle", {"name": "Chatty"}, form_page=page)
    assert status == 303
    listed = (await admin.slash("achievement list")).content
    assert "Chatty" in listed and "75" in listed
    for action in ("achievements.created", "achievements.edited", "achievements.toggled"):
        rows = await audit_rows(web, action)
        assert rows, action
        assert_web_audit(rows[0], admin)

    status, html = await post(client, web, page + "/create", {
        "name": "Lots", "type": "message_count", "threshold": "many", "reward": "5",
    }, form_page=page)  # fmt: skip
    assert status == 400 and "threshold must be a whole number." in html and 'value="Lots"' in html
    status, html = await post(client, web, page + "/create", {
        "name": "Lots", "type": "karma", "threshold": "5", "reward": "5",
    }, form_page=page)  # fmt: skip
    assert status == 400 and "type" in html
    assert "Lots" not in (await admin.slash("achievement list")).content


async def test_goals_created_moved_and_ended(web, connected, admin, client) -> None:
    await sign_in(client, web, admin)
    page = _page(web, "goals")
    status, _ = await post(client, web, page + "/create", {"name": XSS, "type": "custom", "target": "100"},
                           form_page=page)  # fmt: skip
    assert status == 303
    status, html = await fetch(client, web.url + page)
    assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    status, _ = await post(client, web, page + "/progress", {"name": XSS, "amount": "40"}, form_page=page)
    assert status == 303
    assert "40 of 100" in (await fetch(client, web.url + page))[1]
    status, html = await post(client, web, page + "/progress", {"name": XSS, "amount": "0"}, form_page=page)
    assert status == 400 and "amount" in html
    status, html = await post(client, web, page + "/create", {"name": "Later", "type": "custom", "target": "5",
                                                              "deadline": "someday"}, form_page=page)  # fmt: skip
    assert status == 400 and 'id="error"' in html
    status, _ = await post(client, web, page + "/end", {"name": XSS}, form_page=page)
    assert status == 303
    for action in ("goals.created", "goals.progressed", "goals.ended"):
        rows = await audit_rows(web, action)
        assert len(rows) == 1, action
        assert_web_audit(rows[0], admin)


async def test_perks_sell_only_roles_the_seller_may_give(web, connected, admin, client) -> None:
    shop = web.guild.create_role("Shopkeepers")
    await admin.slash("config admin-roles", action="add", role=shop, level="perk_manager")
    vip = web.guild.create_role("VIP")
    elite = web.guild.create_role("Elite")
    web.guild.move_role(elite, shop.position + 1)
    mods = web.guild.create_role("Mods", permissions=["kick_members"])
    pat = web.guild.member("pat")
    await pat.add_role(shop)
    await web.settle()
    await sign_in(client, web, pat)
    page = _page(web, "perks")
    status, html = await fetch(client, web.url + page)
    assert status == 200 and "@VIP" in html

    refusals = {
        str(elite.id): perk_texts.role_above_seller("@Elite"),
        str(mods.id): "@Mods can't be sold as a perk",
    }
    other = web.emu.create_guild("Elsewhere", owner="olga")
    await web.settle()
    refusals[str(other.create_role("Theirs").id)] = perk_texts.ROLE_OTHER_SERVER
    for role_id, sentence in refusals.items():
        status, html = await post(client, web, page + "/create", {"name": "Badge", "cost": "10", "role": role_id},
                                  form_page=page)  # fmt: skip
        assert status == 400 and sentence in unescape(html), role_id
    assert await audit_rows(web, "perks.created") == []

    status, _ = await post(client, web, page + "/create", {"name": "VIP pass", "cost": "40", "quantity": "5",
                                                           "role": str(vip.id)}, form_page=page)  # fmt: skip
    assert status == 303
    [created] = await audit_rows(web, "perks.created")
    assert_web_audit(created, pat)
    status, html = await post(client, web, page + "/edit", {"name": "VIP pass", "role": str(elite.id)},
                              form_page=page)  # fmt: skip
    assert status == 400 and "not below your own highest role" in unescape(html)
    status, _ = await post(client, web, page + "/edit", {"name": "VIP pass", "cost": "45", "role": "none"},
                           form_page=page)  # fmt: skip
    assert status == 303
    listed = (await pat.slash("perks")).embeds[0]["description"]
    assert "VIP pass" in listed and "45" in listed and f"<@&{vip.id}>" not in listed
    status, _ = await post(client, web, page + "/remove", {"name": "VIP pass"}, form_page=page)
    assert status == 303
    assert_web_audit((await audit_rows(web, "perks.removed"))[0], pat)


async def test_catalog_levels_and_other_servers(web, connected, admin, alice, client) -> None:
    shop = web.guild.create_role("Shopkeepers")
    await admin.slash("config admin-roles", action="add", role=shop, level="perk_manager")
    await alice.add_role(shop)
    await web.settle()
    await sign_in(client, web, alice)
    assert (await fetch(client, web.url + _page(web, "perks")))[0] == 200
    for name in ("achievements", "goals"):
        status, html = await fetch(client, web.url + _page(web, name))
        assert status == 403 and "event_manager" in html
    sneaky = {"name": "Sneaky", "type": "custom", "target": "5"}
    status, _ = await post(client, web, _page(web, "goals") + "/create", sneaky, form_page=_page(web, "perks"))
    assert status == 403 and await audit_rows(web, "goals.created") == []
    async with client.post(web.url + _page(web, "perks") + "/create", data={"name": "x", "cost": "5"},
                           allow_redirects=False) as response:  # fmt: skip
        assert response.status == 403
    other = await second_server(web)
    await sign_in(client, web, admin)
    for name in ("achievements", "goals", "perks"):
        assert (await fetch(client, f"{web.url}/s/{other.id}/manage/{name}"))[0] == 404
