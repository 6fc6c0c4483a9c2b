"""Drops on the web: posted by the same code as /drop into a channel of this server only, without pings,
claimed in Discord, ended from the web; refusals in one sentence with nothing posted."""

from __future__ import annotations

from loyalteez.services.rewards import texts as reward_texts
from tests.web.manage import assert_web_audit, audit_rows, post, second_server
from tests.web.pages import fetch, sign_in


def _drops(web) -> str:
    return f"/s/{web.guild.id}/manage/drops"


def no_pings(allowed: dict | None) -> bool:
    return allowed is not None and not any(allowed.get(k) for k in ("parse", "users", "roles", "replied_user"))


async def _drop_event(admin) -> None:
    reply = await admin.slash("config events", {"action": "create", "name": "coffee_drop", "reward": 20,
                                                "trigger": "drop", "max-total-claims": 2})  # fmt: skip
    assert "Created" in reply.content, reply.content


async def test_a_drop_made_on_the_web_is_claimed_in_discord_and_ended_on_the_web(
    web, connected, admin, alice, client
) -> None:
    await _drop_event(admin)
    await sign_in(client, web, admin)
    status, page = await fetch(client, web.url + _drops(web))
    assert status == 200 and '<option value="coffee_drop"' in page
    announcements = web.guild.channel("general")
    status, _ = await post(client, web, _drops(web), {
        "event": "coffee_drop", "channel": str(announcements.id), "lifespan": "2h",
        "label": "Grab it", "description": "@everyone free coffee",
    })  # fmt: skip
    assert status == 303
    await web.settle()
    posted = web.emu.sent_messages(announcements)[-1]
    assert posted.buttons[0]["label"] == "Grab it" and no_pings(posted.allowed_mentions)
    [created] = await audit_rows(web, "drops.created")
    assert_web_audit(created, admin)

    reply = await alice.click(posted, "Grab it")
    assert "20 LTZ" in reply.content, reply.content
    status, page = await fetch(client, web.url + _drops(web))
    assert "1/2" in page

    drop_id = created["details"]["drop_id"]
    status, _ = await post(client, web, f"{_drops(web)}/{drop_id}/end", {}, form_page=_drops(web))
    assert status == 303
    await web.settle()
    assert posted.buttons[0]["disabled"]
    assert_web_audit((await audit_rows(web, "drops.ended"))[0], admin)


async def test_refused_drops_post_nothing(web, connected, admin, client) -> None:
    await _drop_event(admin)
    await sign_in(client, web, admin)
    general = web.guild.channel("general")
    before = len(web.emu.sent_messages(general))
    elsewhere = web.emu.create_guild("Elsewhere", owner="olga")
    await web.settle()
    cases = [
        ({"event": "coffee_drop", "channel": str(elsewhere.channel("general").id)}, reward_texts.CHANNEL_NOT_HERE),
        ({"event": "coffee_drop", "channel": "not-a-channel"}, reward_texts.CHANNEL_NOT_HERE),
        ({"event": "coffee_drop", "channel": str(general.id), "lifespan": "forever and ever"}, "lifespan"),
        ({"event": "gm_checkin", "channel": str(general.id)}, "gm_checkin"),
    ]
    for form, sentence in cases:
        status, page = await post(client, web, _drops(web), form)
        assert status == 400 and sentence in page and 'id="error"' in page, (form, page[-800:])
    await web.settle()
    assert len(web.emu.sent_messages(general)) == before
    assert web.emu.sent_messages(elsewhere.channel("general")) == []
    assert await audit_rows(web, "drops.created") == []


async def test_drops_need_an_event_manager_of_this_server(web, connected, admin, alice, client) -> None:
    await _drop_event(admin)
    await sign_in(client, web, alice)
    status, page = await fetch(client, web.url + _drops(web))
    assert status == 403 and "event_manager" in page
    status, _ = await post(client, web, _drops(web), {"event": "coffee_drop",
                                                      "channel": str(web.guild.channel("general").id)},
                           form_page=f"/s/{web.guild.id}/me")  # fmt: skip
    assert status == 403
    other = await second_server(web)
    await sign_in(client, web, admin)
    assert (await fetch(client, f"{web.url}/s/{other.id}/manage/drops"))[0] == 404
    form = {"event": "coffee_drop", "channel": str(web.guild.channel("general").id)}
    async with client.post(web.url + _drops(web), data=form, allow_redirects=False) as response:
        assert response.status == 403  # no CSRF token: refused before anything is posted
    assert await audit_rows(web, "drops.created") == []
