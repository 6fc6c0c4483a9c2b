"""The screenshots docs/web.md shows exist, and each is one a browser test takes (so it can be refreshed)."""

from __future__ import annotations

import re

from tests.web.conftest import DOCS_SCREENSHOTS, DOCUMENTED_SHOTS, PROJECT_ROOT


def test_every_screenshot_the_web_docs_show_exists_and_a_browser_test_takes_it() -> None:
    shown = set(re.findall(r"\(screenshots/([\w-]+\.png)\)", (PROJECT_ROOT / "docs" / "web.md").read_text()))
    assert shown, "docs/web.md shows no screenshots"
    assert all((DOCS_SCREENSHOTS / name).stat().st_size > 10_000 for name in shown)
    taken = set(DOCUMENTED_SHOTS.values()) | {"dashboard-kpis.png"}  # the demo test refreshes the README's
    assert shown == taken, f"shown but never taken: {shown - taken}; taken but not shown: {taken - shown}"
