"""Reward events on the web: every write through the same service as /config events, refused the same way,
audited the same way (actor: the signed-in admin, `source: web`), and only for event managers."""

from __future__ import annotations

from loyalteez.web import texts
from tests.web.manage import assert_web_audit, audit_rows, post, second_server
from tests.web.pages import fetch, sign_in


def _events(web) -> str:
    return f"/s/{web.guild.id}/manage/events"


async def _rules(web, admin) -> dict[str, str]:
    reply = await admin.slash("config events", action="list")
    return {line.split("**")[1]: line for line in reply.content.splitlines() if "**" in line}


async def test_an_event_manager_creates_edits_toggles_and_deletes_an_event(web, connected, admin, client) -> None:
    await sign_in(client, web, admin)
    general = web.guild.channel("general")
    status, _ = await post(client, web, _events(web), {
        "name": "kudos", "reward": "25", "trigger": "keyword", "keywords": "kudos, thanks",
        "cooldown": "2", "channels": str(general.id),
    })  # fmt: skip
    assert status == 303
    rules = await _rules(web, admin)
    assert "25 LTZ" in rules["kudos"] and "cooldown 2h" in rules["kudos"] and f"<#{general.id}>" in rules["kudos"]
    [created] = await audit_rows(web, "rewards.event_created")
    assert_web_audit(created, admin)
    assert created["after_state"]["reward_amount"] == 25

    status, page = await fetch(client, web.url + _events(web) + "/kudos")
    assert status == 200 and 'value="25"' in page
    status, _ = await post(client, web, _events(web) + "/kudos", {
        "reward": "40", "trigger": "keyword", "keywords": "kudos, thanks", "cooldown": "2",
        "max_claims": "-1", "max_total_claims": "-1", "channels": str(general.id),
    })  # fmt: skip
    assert status == 303
    assert "40 LTZ" in (await _rules(web, admin))["kudos"]
    [edited] = await audit_rows(web, "rewards.event_edited")
    assert_web_audit(edited, admin)
    assert (edited["before_state"]["reward_amount"], edited["after_state"]["reward_amount"]) == (25, 40)

    status, _ = await post(client, web, _events(web) + "/kudos/toggle", {}, form_page=_events(web))
    assert status == 303 and "(off)" in (await _rules(web, admin))["kudos"]
    assert_web_audit((await audit_rows(web, "rewards.event_toggled"))[0], admin)
    status, _ = await post(client, web, _events(web) + "/kudos/delete", {}, form_page=_events(web) + "/kudos")
    assert status == 303 and "kudos" not in await _rules(web, admin)
    assert_web_audit((await audit_rows(web, "rewards.event_deleted"))[0], admin)
    await admin.slash("config events", action="create", name="from_discord", reward=5)
    [slash] = [r for r in await audit_rows(web, "rewards.event_created") if r["details"]["event"] == "from_discord"]
    assert "source" not in (slash["details"] or {})  # the web's source never leaks into Discord's rows


async def test_bad_input_gets_one_sentence_and_changes_nothing(web, connected, admin, client) -> None:
    await sign_in(client, web, admin)
    before = await _rules(web, admin)
    cases = {
        "abc": "reward must be a whole number.",
        "0": "reward",  # the services' range sentence
    }
    for reward, sentence in cases.items():
        status, page = await post(client, web, _events(web), {"name": "bad_one", "reward": reward})
        assert status == 400, page
        assert sentence in page and 'id="error"' in page
        assert 'value="bad_one"' in page  # the form is shown again with what was typed
    other = web.emu.create_guild("Elsewhere", owner="olga")
    await web.settle()
    status, page = await post(client, web, _events(web), {
        "name": "bad_one", "reward": "5", "channels": str(other.channel("general").id),
    })  # fmt: skip
    assert status == 400 and "of this server" in page
    status, page = await post(client, web, _events(web), {"name": "Bad Name!", "reward": "5"})
    assert status == 400 and "lowercase" in page.lower()
    assert await _rules(web, admin) == before
    assert await audit_rows(web, "rewards.event_created") == []


async def test_levels_csrf_and_other_servers(web, connected, admin, alice, client) -> None:
    await admin.slash("config events", action="create", name="kudos", reward=5)
    viewers = web.guild.create_role("Viewers")
    await admin.slash("config admin-roles", action="add", role=viewers, level="viewer")
    await alice.add_role(viewers)
    await web.settle()
    await sign_in(client, web, alice)
    status, page = await fetch(client, web.url + _events(web))
    assert status == 403 and "You need the event_manager admin level for that." in page
    status, page = await post(client, web, _events(web) + "/kudos/toggle", {}, form_page=f"/s/{web.guild.id}/me")
    assert status == 403 and "event_manager" in page
    assert "(on)" in (await _rules(web, admin))["kudos"]

    async with client.post(web.url + _events(web) + "/kudos/toggle", data={}, allow_redirects=False) as response:
        assert response.status == 403 and texts.CSRF_REJECTED in await response.text()

    other = await second_server(web)
    await sign_in(client, web, admin)
    for path in ("manage/events", "manage/events/kudos"):
        status, page = await fetch(client, f"{web.url}/s/{other.id}/{path}")
        assert status == 404 and "Other Server" not in page
    status, _ = await post(client, web, f"/s/{other.id}/manage/events", {"name": "x", "reward": "5"},
                           form_page=_events(web))  # fmt: skip
    assert status == 404
    assert "(on)" in (await _rules(web, admin))["kudos"]
