"""Who sees which page: public opt-in, members, admin levels from current roles, and other servers' 404s."""

from __future__ import annotations

import aiohttp

from loyalteez.services.access import texts as access_texts
from loyalteez.web import texts
from tests.web.pages import csrf_from, fetch, sign_in


async def _second_server(web, owner_name: str = "yolanda"):
    """Another connected server the test's members are not in."""
    from loyalteez.services.access import brands

    other = web.emu.create_guild("Other Server", owner=owner_name)
    await web.settle()
    brand = await brands.create_brand(web.app.store, "Other Brand")
    owner = other.owner
    reply = await owner.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content, reply.content
    return other


async def test_leaderboard_is_for_members_until_a_full_admin_makes_it_public(web, connected, admin, alice, client):
    await alice.say(web.guild.channel("general"), "gm")
    await web.settle()
    board = f"{web.url}/s/{web.guild.id}/leaderboard"
    status, page = await fetch(client, board)
    assert status == 401 and texts.SIGN_IN_NEEDED in page

    refused = await alice.slash("config web", public=True)
    assert "full_admin" in refused.content
    reply = await admin.slash("config web", public=True)
    assert reply.content == access_texts.web_public(True)
    data = web.app.store.scoped(await web.app.services.setup.scope_for(str(web.guild.id)))
    [entry] = await data.audit.newest_snapshot(actions_in=["config.web_public"], limit=5)
    assert entry["actor_id"] == str(admin.id)
    assert (entry["before_state"], entry["after_state"]) == ({"web_public": None}, {"web_public": True})

    status, page = await fetch(client, board)
    assert status == 200
    assert "alice" in page and "LTZ earned, all time" in page
    status, page = await fetch(client, f"{web.url}/s/{web.guild.id}/goals")
    assert status == 200 and texts.NO_GOALS in page
    status, page = await fetch(client, board + "?type=karma")
    assert status == 400 and "type must be one of ltz_earned, activity, claims, voice" in page

    await admin.slash("config web", public=False)
    status, _ = await fetch(client, board)
    assert status == 401


async def test_admin_of_one_server_gets_404_for_another(web, connected, admin, client):
    other = await _second_server(web)
    await sign_in(client, web, admin)
    assert (await fetch(client, f"{web.url}/s/{web.guild.id}/admin"))[0] == 200
    for path in ("admin", "me", "leaderboard", "goals", ""):
        status, page = await fetch(client, f"{web.url}/s/{other.id}/{path}")
        assert status == 404, path
        assert texts.NOT_FOUND in page
        assert "Other Server" not in page
    status, _ = await fetch(client, f"{web.url}/s/999999/admin")  # not connected anywhere: the same answer
    assert status == 404


async def test_a_member_gets_403_on_admin_pages_and_levels_follow_current_roles(web, connected, admin, alice, client):
    await sign_in(client, web, alice)
    admin_page = f"{web.url}/s/{web.guild.id}/admin"
    status, page = await fetch(client, admin_page)
    assert status == 403
    assert "You need the viewer admin level for that." in page

    viewers = web.guild.create_role("Viewers")
    reply = await admin.slash("config admin-roles", action="add", role=viewers, level="viewer")
    assert "viewer" in reply.content
    await alice.add_role(viewers)
    await web.settle()
    status, page = await fetch(client, admin_page)
    assert status == 200 and '<strong id="level">viewer</strong>' in page

    await alice.remove_role(viewers)
    await web.settle()
    assert (await fetch(client, admin_page))[0] == 403


async def test_operator_link_signs_in_once_and_expires(web, connected, clock, client):
    link = await web.operator_link(web.guild.id)
    secret = link.rsplit(".", 1)[1]
    data = web.app.store.scoped(await web.app.services.setup.scope_for(str(web.guild.id)))
    kept = str(await data.rewards.metadata())
    assert "web_login_links" in kept and secret not in kept  # only its hash is stored
    status, page = await fetch(client, link)
    assert status == 200
    token = csrf_from(page)
    async with client.post(link, data={"csrf_token": token}, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == f"/s/{web.guild.id}/"
    status, page = await fetch(client, f"{web.url}/s/{web.guild.id}/admin")
    assert status == 200 and '<strong id="level">full_admin</strong>' in page

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
        status, page = await fetch(other, link)
        async with other.post(link, data={"csrf_token": csrf_from(page)}, allow_redirects=False) as response:
            assert response.status == 400
            assert texts.LINK_INVALID in await response.text()

        late = await web.operator_link(web.guild.id)
        clock.advance(minutes=11)
        status, page = await fetch(other, late)
        async with other.post(late, data={"csrf_token": csrf_from(page)}, allow_redirects=False) as response:
            assert response.status == 400
