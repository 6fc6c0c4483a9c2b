"""Full admins' settings on the web: role bonuses, admin roles, excluded channels, test mode, streak rules,
KPI targets and the scheduled report, through the /config, /kpi and /report services: refusals in one
sentence with nothing changed, audit rows with `source: web`, and roles and channels only of this server."""

from __future__ import annotations

from html import unescape

from loyalteez.services.analytics import texts as analytics_texts
from loyalteez.services.perks import texts as perk_texts
from loyalteez.services.rewards import texts as reward_texts
from tests.web.manage import assert_web_audit, audit_rows, post, second_server
from tests.web.pages import fetch, sign_in


def _settings(web) -> str:
    return f"/s/{web.guild.id}/manage/settings"


def _kpis(web) -> str:
    return f"/s/{web.guild.id}/manage/kpis"


async def _set(client, web, action: str, form: dict) -> tuple[int, str]:
    status, html = await post(client, web, f"{_settings(web)}/{action}", form, form_page=_settings(web))
    return status, unescape(html)


async def test_role_bonuses_admin_roles_channels_test_mode_and_streaks(web, connected, admin, alice, client) -> None:
    vip = web.guild.create_role("VIP")
    helpers = web.guild.create_role("Helpers")
    lounge = web.guild.channel("lounge")
    await web.settle()
    await sign_in(client, web, admin)

    assert (await _set(client, web, "bonus-set", {"role": str(vip.id), "multiplier": "1.5", "priority": "3"}))[0] == 303
    assert "multiplier 1.5" in (await admin.slash("config role-bonus", action="list")).content
    assert_web_audit((await audit_rows(web, "rewards.role_bonus_set"))[0], admin)
    status, html = await _set(client, web, "bonus-set", {"role": str(vip.id), "multiplier": "lots"})
    assert status == 400 and "multiplier must be a number." in html
    status, html = await _set(client, web, "bonus-set", {"role": str(vip.id), "multiplier": "9"})
    assert status == 400 and "multiplier" in html
    assert len(await audit_rows(web, "rewards.role_bonus_set")) == 1

    assert (await _set(client, web, "admin-role-add", {"role": str(helpers.id), "level": "event_manager"}))[0] == 303
    [granted] = await audit_rows(web, "config.admin_roles")
    assert_web_audit(granted, admin)
    await alice.add_role(helpers)
    await web.settle()
    await sign_in(client, web, alice)
    assert (await fetch(client, f"{web.url}/s/{web.guild.id}/manage/events"))[0] == 200
    assert (await fetch(client, web.url + _settings(web)))[0] == 403
    await sign_in(client, web, admin)

    await admin.slash("perk create", name="VIP pass", cost=10, role=vip)
    status, html = await _set(client, web, "admin-role-add", {"role": str(vip.id), "level": "viewer"})
    assert status == 400 and "VIP pass" in html  # a role a perk sells never gets an admin level
    assert len(await audit_rows(web, "config.admin_roles")) == 1

    assert (await _set(client, web, "exclude", {"channel": str(lounge.id)}))[0] == 303
    assert f"<#{lounge.id}>" in (await admin.slash("config channels", action="list")).content
    assert_web_audit((await audit_rows(web, "rewards.channel_excluded"))[0], admin)

    assert (await _set(client, web, "test-mode", {"enable": "1", "role": str(vip.id)}))[0] == 303
    assert_web_audit((await audit_rows(web, "rewards.test_mode_enabled"))[0], admin)
    status, html = await fetch(client, web.url + _settings(web))
    assert '<strong id="test-mode-state">on</strong>' in html and "testers: @VIP" in html

    assert (await _set(client, web, "streaks", {"grace_period": "48", "milestones": "7:70"}))[0] == 303
    assert_web_audit((await audit_rows(web, "config.streaks"))[0], admin)
    shown = (await admin.slash("config streaks")).content
    assert "48" in shown and "70" in shown
    status, html = await _set(client, web, "streaks", {"grace_period": "500"})
    assert status == 400 and 'id="error"' in html
    assert len(await audit_rows(web, "config.streaks")) == 1


async def test_roles_and_channels_of_another_server_are_refused(web, connected, admin, client) -> None:
    elsewhere = web.emu.create_guild("Elsewhere", owner="olga")
    theirs = elsewhere.create_role("Theirs")
    await web.settle()
    await sign_in(client, web, admin)
    cases = [
        ("bonus-set", {"role": str(theirs.id), "multiplier": "2"}, perk_texts.ROLE_OTHER_SERVER),
        ("bonus-set", {"multiplier": "2"}, reward_texts.ROLE_NEEDED),
        ("admin-role-add", {"role": str(theirs.id), "level": "full_admin"}, perk_texts.ROLE_OTHER_SERVER),
        ("exclude", {"channel": str(elsewhere.channel("general").id)}, reward_texts.CHANNEL_NOT_HERE),
        ("exclude", {"channel": "#general"}, reward_texts.CHANNEL_NOT_HERE),
        ("test-mode", {"enable": "1", "role": str(theirs.id)}, perk_texts.ROLE_OTHER_SERVER),
    ]
    for action, form, sentence in cases:
        status, html = await _set(client, web, action, form)
        assert status == 400 and sentence in html, action
    actions = ("rewards.role_bonus_set", "config.admin_roles", "rewards.channel_excluded", "rewards.test_mode_enabled")
    assert await audit_rows(web, *actions) == []
    status, html = await fetch(client, web.url + _settings(web))
    assert "Theirs" not in html


async def test_kpi_targets_and_the_report_schedule(web, connected, admin, client) -> None:
    await sign_in(client, web, admin)
    kpis = _kpis(web)

    async def kpi(action: str, form: dict) -> tuple[int, str]:
        status, html = await post(client, web, f"{kpis}/{action}", form, form_page=kpis)
        return status, unescape(html)

    assert (await kpi("set", {"metric": "daily_active_users", "target": "50", "alert_threshold": "80"}))[0] == 303
    assert_web_audit((await audit_rows(web, "analytics.kpi_set"))[0], admin)
    status, html = await kpi("set", {"metric": "daily_active_users", "target": "lots"})
    assert status == 400 and 'id="error"' in html
    status, html = await kpi("set", {"metric": "daily_active_users", "target": "5", "alert_threshold": "x"})
    assert status == 400 and "alert-threshold must be a number." in html
    for action in ("disable", "enable", "remove"):
        assert (await kpi(action, {"metric": "daily_active_users"}))[0] == 303
        assert_web_audit((await audit_rows(web, f"analytics.kpi_{action}"))[0], admin)
    assert len(await audit_rows(web, "analytics.kpi_set")) == 1

    general = web.guild.channel("general")
    assert (await kpi("schedule", {"frequency": "weekly", "channel": str(general.id), "day_of_week": "4"}))[0] == 303
    assert_web_audit((await audit_rows(web, "analytics.report_schedule"))[0], admin)
    status, html = await fetch(client, web.url + kpis)
    assert "weekly on Friday in #general · on" in html
    elsewhere = web.emu.create_guild("Elsewhere", owner="olga")
    await web.settle()
    status, html = await kpi("schedule", {"frequency": "daily", "channel": str(elsewhere.channel("general").id)})
    assert status == 400 and analytics_texts.CHANNEL_ELSEWHERE in html
    assert len(await audit_rows(web, "analytics.report_schedule")) == 1
    assert (await kpi("off", {}))[0] == 303
    assert_web_audit((await audit_rows(web, "analytics.report_off"))[0], admin)


async def test_full_admin_pages_need_a_full_admin_of_this_server(web, connected, admin, alice, client) -> None:
    managers = web.guild.create_role("Managers")
    await admin.slash("config admin-roles", action="add", role=managers, level="event_manager")
    await alice.add_role(managers)
    await web.settle()
    await sign_in(client, web, alice)
    for page in (_settings(web), _kpis(web)):
        status, html = await fetch(client, web.url + page)
        assert status == 403 and "full_admin" in html
    status, _ = await post(client, web, _settings(web) + "/admin-role-add",
                           {"role": str(managers.id), "level": "full_admin"},
                           form_page=f"/s/{web.guild.id}/manage/events")  # fmt: skip
    assert status == 403
    assert len(await audit_rows(web, "config.admin_roles")) == 1  # only the slash command's
    await sign_in(client, web, admin)
    for path in ("/settings/exclude", "/kpis/off"):  # a full admin's form without the session's CSRF token
        async with client.post(f"{web.url}/s/{web.guild.id}/manage{path}", data={"channel": "1"},
                               allow_redirects=False) as response:  # fmt: skip
            assert response.status == 403
    assert await audit_rows(web, "rewards.channel_excluded", "analytics.report_off") == []
    other = await second_server(web)
    await sign_in(client, web, admin)
    for path in ("manage/settings", "manage/kpis"):
        assert (await fetch(client, f"{web.url}/s/{other.id}/{path}"))[0] == 404
