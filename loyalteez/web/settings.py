"""The web dashboard's settings, read from the same environment as the bot's (see loyalteez/settings.py)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
SWITCH_ON = ("1", "on", "true", "yes")
SWITCH_OFF = ("0", "off", "false", "no")


class WebSettingsError(ValueError):
    """A web setting is present but unusable; the message names it."""


@dataclass(frozen=True)
class WebSettings:
    """Off unless asked for, so tests and tools that build Settings by hand never open a port by surprise;
    `load_settings` turns it on for `python bot.py` (LOYALTEEZ_WEB=off turns it off)."""

    enabled: bool = False
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT  # 0: any free port (tests)
    public_url: str | None = None  # how browsers reach the dashboard; OAuth redirects come back here
    client_id: str | None = None
    client_secret: str | None = None

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def oauth_ready(self) -> bool:
        return bool(self.client_id and self.client_secret)


def read_web_settings(values: Mapping[str, str]) -> WebSettings:
    """From merged environment values; a bad value raises WebSettingsError with one sentence naming it."""
    switch = (values.get("LOYALTEEZ_WEB") or "on").strip().lower()
    if switch not in SWITCH_ON + SWITCH_OFF:
        raise WebSettingsError(f"LOYALTEEZ_WEB must be on or off, not {switch!r}")
    host = (values.get("LOYALTEEZ_WEB_HOST") or DEFAULT_HOST).strip()
    if not _is_host(host):
        raise WebSettingsError(f"LOYALTEEZ_WEB_HOST must be an IP address or a host name, not {host!r}")
    raw_port = (values.get("LOYALTEEZ_WEB_PORT") or str(DEFAULT_PORT)).strip()
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        raise WebSettingsError(f"LOYALTEEZ_WEB_PORT must be a port number from 1 to 65535, not {raw_port!r}")
    public_url = (values.get("LOYALTEEZ_WEB_PUBLIC_URL") or "").strip().rstrip("/") or None
    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise WebSettingsError(
                f"LOYALTEEZ_WEB_PUBLIC_URL must be an http:// or https:// address such as "
                f"https://loyalty.example.org, not {public_url!r}"
            )
    client_id = (values.get("DISCORD_CLIENT_ID") or "").strip() or None
    if client_id is not None and not client_id.isdigit():
        raise WebSettingsError(
            f"DISCORD_CLIENT_ID must be your application's id (digits, on its General Information page), "
            f"not {client_id!r}"
        )
    client_secret = (values.get("DISCORD_CLIENT_SECRET") or "").strip() or None
    # The id alone is enough for the invite link; sign-in with Discord needs the secret as well.
    if client_secret and not client_id:
        raise WebSettingsError(
            "Discord sign-in needs both DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET: set DISCORD_CLIENT_ID"
        )
    return WebSettings(
        enabled=switch in SWITCH_ON,
        host=host,
        port=int(raw_port),
        public_url=public_url,
        client_id=client_id,
        client_secret=client_secret,
    )


def _is_host(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        labels = text.split(".")
        return bool(text) and all(label and label.replace("-", "").isalnum() for label in labels)
