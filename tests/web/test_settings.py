"""LOYALTEEZ_WEB* and DISCORD_CLIENT_* settings: defaults, and one sentence naming a bad value."""

from __future__ import annotations

import pytest

from loyalteez.settings import SettingsError, load_settings


def settings(**values: str):
    return load_settings(values, dotenv=None).web


def test_defaults_serve_on_loopback_port_8080() -> None:
    web = settings()
    assert (web.enabled, web.host, web.port) == (True, "127.0.0.1", 8080)
    assert web.base_url == "http://127.0.0.1:8080"
    assert not web.oauth_ready and not web.secure_cookies


def test_off_and_a_public_https_url() -> None:
    assert settings(LOYALTEEZ_WEB="off").enabled is False
    web = settings(
        LOYALTEEZ_WEB_PUBLIC_URL="https://loyalty.example.org/",
        DISCORD_CLIENT_ID="1234567890",
        DISCORD_CLIENT_SECRET="s3cret",
    )
    assert web.base_url == "https://loyalty.example.org"
    assert web.secure_cookies and web.oauth_ready


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        ({"LOYALTEEZ_WEB": "maybe"}, "LOYALTEEZ_WEB must be on or off, not 'maybe'"),
        ({"LOYALTEEZ_WEB_PORT": "80800"}, "LOYALTEEZ_WEB_PORT must be a port number from 1 to 65535, not '80800'"),
        ({"LOYALTEEZ_WEB_HOST": "local host"}, "LOYALTEEZ_WEB_HOST must be an IP address or a host name"),
        ({"LOYALTEEZ_WEB_PUBLIC_URL": "loyalty.example.org"}, "LOYALTEEZ_WEB_PUBLIC_URL must be an http:// or"),
        ({"DISCORD_CLIENT_ID": "my-app"}, "DISCORD_CLIENT_ID must be your application's id"),
        ({"DISCORD_CLIENT_SECRET": "s3"}, "Discord sign-in needs both DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET"),
    ],
)
def test_a_bad_value_is_one_sentence_naming_it(values: dict[str, str], sentence: str) -> None:
    with pytest.raises(SettingsError) as refused:
        settings(**values)
    assert str(refused.value).startswith(sentence)
    assert "\n" not in str(refused.value)


async def test_https_public_url_makes_the_cookie_secure(web, client) -> None:
    from dataclasses import replace

    context = web.app.web.context
    context.settings = replace(context.settings, public_url="https://loyalty.example.org")
    async with client.get(web.url + "/") as response:
        assert response.cookies["ltz_session"]["secure"] is True
