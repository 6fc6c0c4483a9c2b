"""The viewer pages over plain HTTP on both engines: who may see them, what they show, the CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

from tests.web.pages import fetch, sign_in
from tests.web.test_access import _second_server

XSS_NAME = "<img src=x onerror=alert(1)>"
VIEWER_PATHS = (
    "admin/kpis",
    "admin/segments",
    "admin/segments/whales",
    "admin/stats",
    "admin/audit",
    "admin/audit.csv",
    "admin/ledger",
    "admin/ledger.csv",
)


async def _download(client, url: str) -> tuple[int, dict[str, str], list[list[str]]]:
    async with client.get(url, allow_redirects=False) as response:
        body = await response.read()
        return response.status, dict(response.headers), list(csv.reader(io.StringIO(body.decode())))


async def test_members_get_403_and_admins_of_other_servers_404(web, connected, admin, alice, client) -> None:
    other = await _second_server(web)
    await sign_in(client, web, alice)
    for path in VIEWER_PATHS:
        status, page = await fetch(client, f"{web.url}/s/{web.guild.id}/{path}")
        assert status == 403, path
        assert "You need the viewer admin level for that." in page
    client.cookie_jar.clear()
    await sign_in(client, web, other.owner)  # full admin of their own server, not a member of this one
    for path in VIEWER_PATHS:
        status, page = await fetch(client, f"{web.url}/s/{web.guild.id}/{path}")
        assert status == 404, path
        assert "Test Server" not in page


async def test_audit_log_filters_pages_and_downloads_safe_csv(web, connected, admin, alice, client) -> None:
    bob = web.guild.member("bob")
    await admin.slash("config events", action="create", name="bug_report", reward=100, trigger="none")
    for n in range(27):
        who = alice if n % 3 else bob
        reply = await admin.slash("reward", member=who, event="bug_report", amount=10 + n, reason=f"report {n}")
        assert "received" in reply.content, reply.content
        web.harness.clock.advance(minutes=1)
    evil = web.guild.member("mallory", nick=XSS_NAME)
    await admin.slash("reward", member=evil, event="welcome", amount=5, reason="<script>alert(3)</script>")
    web.harness.clock.advance(minutes=1)
    await admin.slash("reward", member=alice, event="welcome", amount=5, reason='=HYPERLINK("http://x","y")')
    web.harness.clock.advance(days=2)
    await admin.slash("config web", public=True)
    await sign_in(client, web, admin)
    base = f"{web.url}/s/{web.guild.id}/admin/audit"

    status, page = await fetch(client, base)
    assert status == 200
    assert "page 1/2" in page and page.count("<tr>") == 26  # header + 25 rows
    assert "config.web_public" in page and "boss" in page
    status, page = await fetch(client, base + "?type=rewards&page=2")
    assert "page 2/2" in page and page.count("rewards.manual_reward") == 4
    status, page = await fetch(client, f"{base}?type=rewards&member={bob.id}")
    assert "9 entries" in page and "alice" not in re.sub(r"<form.*?</form>", "", page, flags=re.S)
    status, page = await fetch(client, base + "?event=welcome")
    assert "2 entries" in page and "reason: =HYPERLINK" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and XSS_NAME not in page  # the member's name
    assert "reason: &lt;script&gt;alert(3)&lt;/script&gt;" in page and "<script>" not in page
    day = web.harness.clock.now().date().isoformat()
    status, page = await fetch(client, f"{base}?from={day}&to={day}")
    assert "1 entry" in page and "config.web_public" in page

    status, page = await fetch(client, base + "?from=yesterday")
    assert status == 400 and "from: give a day as YYYY-MM-DD, e.g. 2026-03-01" in page
    status, page = await fetch(client, base + "?member=12345")
    assert status == 400 and "member: give a member&#39;s name, @mention or Discord id" in page
    status, page = await fetch(client, f"{base}?from={day}&to=2026-01-01")
    assert status == 400 and "to: the last day comes on or after the first day" in page

    status, headers, rows = await _download(client, f"{base}.csv?type=rewards")
    assert status == 200
    assert headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"]
    assert "Content-Security-Policy" in headers and headers["Cache-Control"] == "no-store"
    assert rows[0][:4] == ["created_at", "actor_type", "actor_id", "action"]
    assert len(rows) == 1 + 29
    welcome = rows[1]
    assert welcome[3] == "rewards.manual_reward" and welcome[4] == str(alice.id)
    assert welcome[5].startswith("{") and '"reason": "=HYPERLINK' in welcome[5]  # inside JSON: harmless
    status, _, rows = await _download(client, f"{base}.csv?event=welcome")
    assert len(rows) == 3


async def test_audit_log_member_filter_takes_a_name_or_mention(web, connected, admin, alice, client) -> None:
    bob = web.guild.member("bob")
    twins = [web.guild.member(f"sam{n}", nick="Sam") for n in (1, 2)]
    evil = web.guild.member("mallory", nick=XSS_NAME)
    await admin.slash("config events", action="create", name="bug_report", reward=100, trigger="none")
    for who in (alice, bob, bob, *twins, evil):
        await admin.slash("reward", member=who, event="bug_report", amount=10)
        web.harness.clock.advance(minutes=1)
    await sign_in(client, web, admin)
    base = f"{web.url}/s/{web.guild.id}/admin/audit?type=rewards"
    rows = re.compile(r"<tbody>.*?</tbody>", re.S)

    for typed in ("bob", "BOB", "@bob", f"<@{bob.id}>", f"<@!{bob.id}>", str(bob.id)):
        status, page = await fetch(client, f"{base}&member={quote(typed)}")
        assert status == 200 and "2 entries" in page, typed
        assert "alice" not in rows.search(page).group(0), typed
    status, page = await fetch(client, f"{base}&member=ali")  # nobody is called that: part of a name
    assert status == 200 and "1 entry" in page and "alice" in page
    status, page = await fetch(client, f"{base}&member={quote('<img')}")  # part of a nickname, escaped
    assert status == 200 and "1 entry" in page and XSS_NAME not in page
    status, _headers, csv_rows = await _download(client, f"{web.url}/s/{web.guild.id}/admin/audit.csv?member=bob")
    assert status == 200 and len(csv_rows) == 1 + 2 and all(r[4] == str(bob.id) for r in csv_rows[1:])

    status, page = await fetch(client, f"{base}&member=zed")
    assert status == 400 and "no member of this server is called “zed”" in page
    status, page = await fetch(client, f"{base}&member=sam")
    assert status == 400 and "2 members of this server match “sam” (Sam, Sam)" in page
    other = await _second_server(web)
    status, page = await fetch(client, f"{base}&member={quote(other.owner.name)}")
    assert status == 400 and "no member of this server is called" in page, "only this server's members match"


async def test_ledger_pages_newest_first_and_streams_every_payout(web, connected, admin, alice, client) -> None:
    evil = web.guild.member("mallory", nick=XSS_NAME)
    await admin.slash("config events", action="create", name="bug_report", reward=100, trigger="none")
    for n in range(30):
        await admin.slash("reward", member=alice if n % 2 else evil, event="bug_report", amount=n + 1)
        web.harness.clock.advance(minutes=7)
    await sign_in(client, web, admin)
    base = f"{web.url}/s/{web.guild.id}/admin/ledger"
    status, page = await fetch(client, base)
    assert status == 200
    total = int(re.search(r"([\d,]+) payouts", page).group(1))
    assert total == 30 and "page 1/2" in page
    assert XSS_NAME not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    stamps = re.findall(r'data-label="When">([\d: -]+)<', page)
    assert stamps == sorted(stamps, reverse=True) and len(stamps) == 25
    _, second = await fetch(client, base + "?page=2")
    assert len(re.findall(r'data-label="When">', second)) == total - 25

    status, _headers, rows = await _download(client, base + ".csv")
    assert status == 200 and rows[0] == [
        "created_at", "discord_user_id", "event_type", "amount", "channel_id", "is_test", "id",
    ]  # fmt: skip
    assert len(rows) == 1 + total
    assert {r[1] for r in rows[1:]} == {str(alice.id), str(evil.id)}
    assert [r[0] for r in rows[1:]] == sorted((r[0] for r in rows[1:]), reverse=True)


async def test_kpis_segments_and_stats(web, connected, admin, alice, client) -> None:
    general = web.guild.channel("general")
    evil = web.guild.member("mallory", nick=XSS_NAME)
    for _ in range(5):  # five days of activity, each written to a daily snapshot at its midnight
        for member in (alice, evil):
            await member.say(general, "gm")
        await web.settle()
        web.harness.clock.advance(days=1)
    await web.settle()
    await admin.slash("kpi set", metric="daily_active_users", target="10", period="day")
    await sign_in(client, web, admin)
    base = f"{web.url}/s/{web.guild.id}/admin"

    status, page = await fetch(client, base + "/kpis?days=7")
    assert status == 200
    assert "KPIs, last 7 days" in page
    assert page.count("<svg") == page.count('class="card kpi') >= 16
    assert '<polyline class="series"' in page
    dau = re.search(r'id="kpi-daily_active_users".*?</section>', page, re.S).group(0)
    assert "target <strong>10</strong>" in dau and 'class="goal"' in dau and '<line class="target"' in dau
    report = await admin.slash("kpi report")  # the same period value and trend as the slash command
    fields = {f["name"]: f["value"] for f in report.embeds[0]["fields"]}
    shown = re.search(r'yesterday <strong class="value">(.*?)</strong> <span class="trend">(.*?)</span>', dau)
    assert f"yesterday {shown.group(1)} {shown.group(2)}" in fields["Daily active members (`daily_active_users`)"]
    _, page90 = await fetch(client, base + "/kpis?days=90")
    assert "KPIs, last 90 days" in page90
    status, page = await fetch(client, base + "/kpis?days=12")
    assert status == 400 and "days: choose 7, 30 or 90" in page

    status, page = await fetch(client, base + "/segments")
    assert status == 200 and re.search(r'id="count-whales">1<', page)
    status, page = await fetch(client, base + "/segments/power_users")
    assert status == 200 and "&lt;img src=x onerror=alert(1)&gt;" in page and XSS_NAME not in page
    assert "alice" in page and "active 5 of 7 days" in page
    assert (await fetch(client, base + "/segments/nobody"))[0] == 404

    status, page = await fetch(client, base + "/stats?period=week&breakdown=users")
    assert status == 200 and 'id="payouts">10<' in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and XSS_NAME not in page
    status, page = await fetch(client, base + "/stats?period=year")
    assert status == 400 and "period must be day, week or month" in page
