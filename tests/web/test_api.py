"""The read-only JSON API as another bot uses it: bearer tokens of one brand, every answer as documented."""

from __future__ import annotations

import logging

from yarl import URL

from loyalteez.services.api import tokens
from loyalteez.services.api.limits import DEFAULT_PER_MINUTE
from loyalteez.web.api.openapi import document
from loyalteez.web.sessions import COOKIE
from tests.web.api_client import call, new_token, template_of
from tests.web.pages import sign_in
from tests.web.test_access import _second_server


async def test_every_endpoint_answers_as_its_openapi_document_says(web, connected, admin, alice, client, clock):
    general = web.guild.channel("general")
    await admin.slash("config events", action="create", name="bug_report", reward=50, trigger="none")
    await admin.slash("kpi set", {"metric": "daily_active_users", "target": "3", "period": "day"})
    for text in ("gm", "I love this community, what a great place to hang out with everyone here"):
        await alice.say(general, text)
    await admin.say(general, "gm")
    await web.settle()
    clock.advance(days=3)  # the snapshots of the days that ended are written at the next settle
    await web.settle()
    token = await new_token(web, connected.brand_id)
    server = web.guild.id

    listed = await call(client, web, "/servers", token)
    assert listed.status == 200
    assert listed.body == {"servers": [{"id": str(server), "name": web.guild.name, "members": 2}]}
    assert (await call(client, web, f"/servers/{server}", token)).body["members"] == 2

    board = await call(client, web, f"/servers/{server}/leaderboard?type=activity&period=all", token)
    assert board.status == 200
    assert [(r["rank"], r["name"], r["value"]) for r in board.body["rows"]] == [(1, "alice", 2), (2, "boss", 1)]
    assert board.body["title"] == "Activity (messages + reactions), all time"
    earned = await web.app.services.standings.leaderboard(
        await web.app.services.setup.scope_for(str(server)), "ltz_earned", "all", 1, ""
    )
    board = await call(client, web, f"/servers/{server}/leaderboard?page=99", token)
    assert board.body["page"] == board.body["pages"] == 1  # past the end: the last page, as /leaderboard
    assert [(r["member_id"], r["value"]) for r in board.body["rows"]] == [(r.member_id, r.value) for r in earned.rows]

    mine = await call(client, web, f"/servers/{server}/members/{alice.id}", token)
    shown = {f["name"]: f["value"] for f in (await alice.slash("balance")).embeds[0]["fields"]}
    assert mine.status == 200 and mine.body["name"] == "alice"
    assert f"{mine.body['balance']['earned']:,}" == shown["Earned"] and mine.body["balance"]["earned"] > 0
    assert mine.body["rank"] == {"position": 1, "of": 2}
    assert mine.body["counts"]["messages"] == 2 and mine.body["counts"]["rewards"] >= 1

    kpis = await call(client, web, f"/servers/{server}/kpis?days=7", token)
    assert kpis.status == 200 and kpis.body["days"] == 7
    [dau] = [k for k in kpis.body["kpis"] if k["metric"] == "daily_active_users"]
    assert dau["target"] == {"value": 3.0, "period": "day", "alerting": dau["target"]["alerting"]}
    assert len(dau["points"]) == 7 and 2.0 in [p["value"] for p in dau["points"]]
    one = await call(client, web, f"/servers/{server}/kpis?days=90&metric=daily_active_users", token)
    [only] = one.body["kpis"]
    assert only["metric"] == "daily_active_users" and len(only["points"]) == 90

    events = await call(client, web, f"/servers/{server}/events", token)
    [bug] = [e for e in events.body["events"] if e["name"] == "bug_report"]
    assert (bug["reward"], bug["enabled"], bug["trigger"]) == (50, True, "none")

    # Refusals: each one documented, in the Error shape, with one sentence naming what was wrong.
    refusals = {
        f"/servers/{server}/leaderboard?type=karma": (400, "type must be one of ltz_earned, activity, claims, voice"),
        f"/servers/{server}/leaderboard?period=year": (400, "period must be one of all, month, week"),
        f"/servers/{server}/kpis?days=14": (400, "days must be 7, 30 or 90"),
        f"/servers/{server}/kpis?metric=vibes": (400, "metric must be one of"),
        f"/servers/{server}/members/alice": (400, "member must be a Discord user id"),
        f"/servers/{server}/members/123456789": (404, "no such server, member"),
        "/servers/999999": (404, "no such server"),
        "/servers/not-a-server/events": (404, "no such server"),
        "/nothing-here": (404, "no such"),
    }
    for path, (status, sentence) in refusals.items():
        answer = await call(client, web, path, token)
        assert (answer.status, answer.body["error"]["status"]) == (status, status), path
        assert sentence in answer.body["error"]["message"], (path, answer.body)
    for path in document()["paths"]:
        concrete = path.replace("{server_id}", str(server)).replace("{member_id}", str(alice.id))
        assert (await call(client, web, concrete)).status == 401
        assert (await call(client, web, concrete, "ltzapi_000000000000_" + "x" * 43)).status == 401
    wrong = await call(client, web, "/servers", token, method="POST")
    assert wrong.status == 405 and wrong.headers["Allow"] == "GET, HEAD"


async def test_every_api_route_is_documented_and_the_document_is_served(web, client):
    documented = set(document()["paths"])
    routed = {
        template_of(resource.canonical)
        for resource in _routes(web)
        if resource.canonical.startswith("/api/v1/") and not resource.canonical.endswith("openapi.json")
    }
    assert routed == documented
    async with client.get(web.url + "/api/v1/openapi.json") as response:
        assert response.status == 200
        served = await response.json()
    assert served["openapi"] == "3.1.0" and served["paths"].keys() == documented


def _routes(web):
    from loyalteez.web.app import build_web_app

    return list(build_web_app(web.app.web.context).router.resources())


async def test_a_token_sees_only_its_brands_servers(web, connected, admin, client):
    other = await _second_server(web)
    mine, theirs = await new_token(web, connected.brand_id), await new_token(web, "Other Brand")
    assert [s["id"] for s in (await call(client, web, "/servers", mine)).body["servers"]] == [str(web.guild.id)]
    assert [s["id"] for s in (await call(client, web, "/servers", theirs)).body["servers"]] == [str(other.id)]
    for path in ("", "/leaderboard", f"/members/{other.owner.id}", "/kpis", "/events"):
        refused = await call(client, web, f"/servers/{other.id}{path}", mine)
        assert refused.status == 404, path
        assert "Other Server" not in str(refused.body)
        assert (await call(client, web, f"/servers/{other.id}{path}", theirs)).status == 200, path


async def test_the_rate_limit_answers_429_with_retry_after_on_the_bots_clock(web, connected, client, clock):
    token, other = await new_token(web, connected.brand_id), await new_token(web, connected.brand_id, "second")
    for _ in range(DEFAULT_PER_MINUTE):
        assert (await call(client, web, "/servers", token)).status == 200
    refused = await call(client, web, "/servers", token)
    assert refused.status == 429 and refused.headers["Retry-After"] == "1"
    assert "try again in 1 s" in refused.body["error"]["message"]
    assert (await call(client, web, "/servers", other)).status == 200  # per token
    clock.tick(1)
    assert (await call(client, web, "/servers", token)).status == 200
    assert (await call(client, web, "/servers", token)).status == 429


async def test_cookies_never_authenticate_the_api_and_only_token_requests_skip_csrf(web, connected, admin, client):
    await sign_in(client, web, admin)  # a signed-in browser: its session cookie is sent with every request
    refused = await call(client, web, "/servers")
    assert refused.status == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    token = await new_token(web, connected.brand_id)
    answer = await call(client, web, "/servers", token)
    assert answer.status == 200 and "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"
    # A write to the API without a token is refused before the router (CSRF), in JSON; with one, 405.
    assert (await call(client, web, "/servers", method="POST")).status == 403
    assert (await call(client, web, "/servers", token, method="POST")).status == 405
    # A bearer header does not lift CSRF off the dashboard's own forms.
    async with client.post(web.url + "/logout", headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status == 403
    assert client.cookie_jar.filter_cookies(URL(web.url)).get(COOKIE) is not None


async def test_a_revoked_token_is_refused_and_no_token_or_hash_is_ever_shown(web, connected, client, caplog):
    caplog.set_level(logging.DEBUG)
    made = await tokens.create(web.app.store, "acme coffee", "giveaway bot")
    answer = await call(client, web, "/servers", made.token)
    assert answer.status == 200
    name, listed = await tokens.listed(web.app.store, connected.brand_id)
    assert name == "Acme Coffee"
    assert [(t.token_id, t.label, t.active) for t in listed] == [(made.token_id, "giveaway bot", True)]
    row = await web.app.store.api_tokens.get(made.token_id)
    await tokens.revoke(web.app.store, connected.brand_id, made.token_id)
    refused = await call(client, web, "/servers", made.token)
    assert refused.status == 401 and refused.body["error"]["message"] == "This API token is unknown or was revoked."
    secret = tokens.split(made.token)[1]  # the secret itself may hold "_"
    for text in (caplog.text, repr(row), repr(made), str(listed), str(answer.body), str(refused.body)):
        for hidden in (secret, row.digest, row.salt):
            assert hidden not in text
