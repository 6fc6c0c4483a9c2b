"""Web fixtures: the real bot + emulator + dashboard on free loopback ports, a plain HTTP client, and a
headless Chromium page (Playwright driving Debian's /usr/bin/chromium; nothing is downloaded).

    async def test_board(web, connected, browser_page, shots):
        await browser_page.goto(web.url + f"/s/{web.guild.id}/leaderboard")
        await shots("leaderboard")          # build/screenshots/<test name>/leaderboard.png, checked non-blank

Without a browser the browser tests are skipped, and one line at the end of the run says so.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from loyalteez.clock import ManualClock
from loyalteez.emulator import Emulator, GuildHandle, MemberHandle
from loyalteez.emulator.harness import Harness, app_factory, running_bot
from loyalteez.emulator.rest_oauth import DEFAULT_SECRET
from loyalteez.web.settings import WebSettings
from tests.conftest import PROJECT_ROOT, pg_store_schema

CHROMIUM = Path(os.environ.get("LOYALTEEZ_TEST_CHROMIUM", "/usr/bin/chromium"))  # only to try the skip
SCREENSHOTS = PROJECT_ROOT / "build" / "screenshots"
BROWSER_MISSING: list[str] = []


def browser_absent_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a browser, its tests are left out (deselected) and the summary says so in one line."""
    reason = browser_absent_reason()
    if reason is None:
        return
    wanted = [item for item in items if "browser_page" in getattr(item, "fixturenames", ())]
    if wanted:
        config.hook.pytest_deselected(items=wanted)
        items[:] = [item for item in items if item not in wanted]
        BROWSER_MISSING.append(f"browser tests skipped ({len(wanted)}): {reason}")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for line in BROWSER_MISSING[:1]:
        terminalreporter.write_line(line)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Plain HTTP tests run on both engines; browser tests on SQLite (the pages call the same services)."""
    if "engine" in metafunc.fixturenames and "browser_page" not in metafunc.fixturenames:
        metafunc.parametrize("engine", ["sqlite", "postgres"])


@pytest.fixture
def engine() -> str:
    return "sqlite"


@dataclass
class WebHarness:
    harness: Harness
    url: str  # the dashboard, e.g. http://127.0.0.1:40123

    @property
    def emu(self) -> Emulator:
        return self.harness.emu

    @property
    def guild(self) -> GuildHandle:
        return self.harness.guild

    @property
    def app(self) -> Any:
        return self.harness.app

    async def settle(self) -> None:
        await self.harness.settle()

    def sign_in_as(self, member: MemberHandle) -> None:
        """The next Discord sign-in (the emulator's authorize page) approves as this member."""
        self.emu.oauth.sign_in_as(member)

    async def operator_link(self, server_id: int | str) -> str:
        """What `python bot.py web-login --server ID` prints, issued through the same service."""
        scope = await self.app.services.setup.scope_for(str(server_id))
        link = await self.app.services.web.issue_login_link(scope)
        return f"{self.url}/login/link/{link.token}"


def web_factory(database_url: str | None = None) -> Any:
    async def factory(emu: Emulator, db_path: Path, clock: ManualClock, bot_options: dict[str, Any]) -> Any:
        web = WebSettings(enabled=True, port=0, client_id=str(emu.world.application_id), client_secret=DEFAULT_SECRET)
        extra: dict[str, Any] = {"database_url": database_url} if database_url else {}
        return await app_factory(web=web, **extra)(emu, db_path, clock, bot_options)

    return factory


@pytest.fixture
async def web(tmp_path: Path, clock: ManualClock, engine: str) -> AsyncIterator[WebHarness]:
    """The real App (bot, services, store) with its dashboard, against the loopback Discord emulator."""
    if engine == "postgres":
        async with pg_store_schema() as url, running_bot(tmp_path, clock=clock, app_factory=web_factory(url)) as h:
            yield WebHarness(h, h.app.web.url)
        return
    async with running_bot(tmp_path, clock=clock, app_factory=web_factory()) as h:
        yield WebHarness(h, h.app.web.url)


@pytest.fixture
def admin(web: WebHarness) -> MemberHandle:
    return web.guild.member("boss", permissions=["manage_guild"])


@pytest.fixture
def alice(web: WebHarness) -> MemberHandle:
    return web.guild.member("alice")


@pytest.fixture
async def connected(web: WebHarness, admin: MemberHandle) -> Any:
    """The test server linked to a fresh brand through /setup connect, as an admin does it."""
    from loyalteez.services.access import brands

    brand = await brands.create_brand(web.app.store, "Acme Coffee")
    reply = await admin.slash("setup connect", brand_id=brand.brand_id, security_key=brand.security_key)
    assert "Connected" in reply.content, reply.content
    return brand


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    """A cookie-keeping HTTP client that does not follow redirects unless told to."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield http


# -- the browser ------------------------------------------------------------------------------------------


@pytest.fixture
async def browser_page(web: WebHarness) -> AsyncIterator[Any]:
    """A fresh headless Chromium page; `page.dialogs` lists every alert/confirm a page tried to open."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = await browser.new_context(viewport={"width": 1024, "height": 768})
            page = await context.new_page()
            dialogs: list[str] = []

            async def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                await dialog.dismiss()

            page.on("dialog", on_dialog)
            page.dialogs = dialogs
            yield page
        finally:
            await browser.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest, browser_page: Any) -> Callable[[str], Awaitable[Path]]:
    """Screenshot the page into build/screenshots/<test name>/<name>.png and check it is not blank."""
    folder = SCREENSHOTS / request.node.name.replace("[", "-").replace("]", "")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    async def take(name: str) -> Path:
        path = folder / f"{name}.png"
        await browser_page.screenshot(path=str(path), full_page=True)
        assert_not_blank(path)
        documented = DOCUMENTED_SHOTS.get((folder.name, name))
        if documented and os.environ.get("LOYALTEEZ_REFRESH_SCREENSHOTS") == "1":
            shutil.copyfile(path, DOCS_SCREENSHOTS / documented)
        return path

    return take


# Screenshots docs/web.md shows: (test, shot) -> file in docs/screenshots/ (LOYALTEEZ_REFRESH_SCREENSHOTS=1
# copies them there; commit them with the change).
DOCS_SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
DOCUMENTED_SHOTS = {
    ("test_public_leaderboard_pages_like_the_command", "page-1"): "public-leaderboard.png",
    ("test_member_page", "member"): "member-page.png",
    ("test_kpi_dashboard_draws_every_chart", "kpis-90"): "admin-kpis-90-days.png",
    ("test_an_event_edited_on_the_web_pays_the_new_amount_in_discord", "edit"): "manage-event-edit.png",
    ("test_a_drop_posted_from_the_web_is_claimed_in_discord", "drops"): "manage-drops.png",
    ("test_audit_log_downloads_its_csv", "audit"): "admin-audit-log.png",
    ("test_member_supplied_names_never_run", "leaderboard"): "escaped-names-leaderboard.png",
    ("test_phone_layout_never_scrolls_sideways", "phone-leaderboard"): "phone-leaderboard.png",
}


def assert_not_blank(path: Path) -> None:
    """A page that rendered something has more than one colour and more than a sliver of non-background."""
    from matplotlib import image

    pixels = image.imread(str(path))
    flat = pixels.reshape(-1, pixels.shape[-1])[:, :3]
    background = flat[0]
    differing = (abs(flat - background).sum(axis=1) > 0.05).mean()
    assert differing > 0.01, f"{path} looks blank: {differing:.2%} of its pixels differ from the background"
